/** Telegram-worded API errors raised by the emulator's handlers. */

/** An error answered as `{ok:false, error_code, description, parameters?}`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

/**
 * A successful result that carries a description too, as Telegram answers e.g. an unchanged
 * setWebhook: `{ok:true, result:true, description:"Webhook is already set"}`.
 */
export class Described {
  constructor(readonly result: unknown, readonly description: string) {}
}

/** 400 with the "Bad Request: " prefix Telegram uses. */
export function badRequest(what: string): ApiError {
  return new ApiError(400, `Bad Request: ${what}`);
}

/** 403 with the "Forbidden: " prefix Telegram uses. */
export function forbidden(what: string): ApiError {
  return new ApiError(403, `Forbidden: ${what}`);
}

/** The exact descriptions the emulator answers, in one place so tests can match them. */
export const E = {
  unauthorized: "Unauthorized",
  notFound: "Not Found",
  chatNotFound: "chat not found",
  userNotFound: "user not found",
  userIsAdmin: "user is an administrator of the chat",
  notGroupOrChannel: "chat member status can't be changed in private chats",
  chatAdminRequired: "CHAT_ADMIN_REQUIRED",
  rightForbidden: "RIGHT_FORBIDDEN",
  userNotParticipant: "USER_NOT_PARTICIPANT",
  cantInitiate: "bot can't initiate conversation with a user",
  blocked: "bot was blocked by the user",
  wrongFileId: "wrong file identifier/HTTP URL specified",
  fileTooBig: "file is too big",
  fileTypeMismatch: "type of file mismatch",
  threadNotFound: "message thread not found",
  replyNotFound: "message to be replied not found",
  cantCopy: "message can't be copied",
  cantForward: "message can't be forwarded",
  copyNotFound: "message to copy not found",
  forwardNotFound: "message to forward not found",
  cantEdit: "message can't be edited",
  editNotFound: "message to edit not found",
  notModified:
    "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
  noTextToEdit: "there is no text in the message to edit",
  noCaptionToEdit: "there is no caption in the message to edit",
  noLiveLocation: "there is no live location in the message to edit",
  livePeriodInvalid: "wrong live location period specified",
  mediaCantEdit: "message media can't be edited",
  deleteNotFound: "message to delete not found",
  cantDelete: "message can't be deleted",
  textEmpty: "message text is empty",
  textBlank: "text must be non-empty",
  textTooLong: "message is too long",
  captionTooLong: "message caption is too long",
  buttonDataInvalid: "BUTTON_DATA_INVALID",
  replyMarkupTooLong: "reply markup is too long",
  queryTooOld: "query is too old and response timeout expired or query ID is invalid",
  idsNotIncreasing: "message identifiers must be in strictly increasing order",
  conflictPoll:
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  conflictWebhook:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
  notImplemented: "Not Implemented: method not implemented in emulator",
} as const;
