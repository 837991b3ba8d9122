/**
 * Every text the workbook shows (sheet names, headers, values such as "yes"), per language.
 * Kept here rather than in src/i18n because the workbook is a document, not a bot dialogue.
 *
 * @module
 */

/** Languages the workbook is written in. */
export type ReportLang = "en" | "ru";

const en = {
  sheetOverview: "Overview",
  figure: "Figure",
  thisPeriod: "This period",
  previousPeriod: "Previous period",
  change: "Change",
  ovTickets: "Tickets",
  ovFirstReply: "Median first reply (working time)",
  ovResolution: "Median resolution (working time)",
  ovCsat: "CSAT (share of 4–5★)",
  ovBreaches: "SLA breaches",
  ovBacklog: "Still open at the end",
  ovBusiest: "Busiest hour (client messages)",
  sheetLoad: "Load by hour",
  hourOfDay: "Hour",
  weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  loadTotal: "Client messages, all days",
  loadStarts: "Requests started",
  ovFaqSolved: "Solved by ready answers (no ticket)",
  sheetManagers: "Summary by manager",
  sheetTopics: "Summary by topic",
  sheetTickets: "Tickets",
  sheetBreaches: "SLA breaches",
  sheetRatings: "Ratings",
  sheetParameters: "Parameters",
  manager: "Manager",
  topic: "Topic",
  total: "Total",
  unassigned: "(unassigned)",
  cycles: "Work periods held",
  heldTime: "Time held",
  closedByClient: "Closed by client",
  autoClosed: "Closed automatically",
  closedByBlock: "Closed by blocking",
  closed: "Closed",
  reopenedLater: "Resolved, then reopened",
  reopenings: "Started by a reopening",
  medianReaction: "Median reaction",
  meanReaction: "Mean reaction",
  p90Reaction: "Reaction, 90% within",
  reactionShare: "Reaction within target",
  medianResolution: "Median resolution",
  meanResolution: "Mean resolution",
  p90Resolution: "Resolution, 90% within",
  meanWaiting: "Mean waiting for the customer / on hold",
  resolutionShare: "Resolution within target",
  ratingAvg: "Average rating",
  ratingCount: "Ratings",
  messagesOut: "Messages sent",
  csat: "CSAT (4–5★ share)",
  stars: "{n}★ ratings",
  ticket: "Ticket",
  thread: "Thread",
  status: "Status",
  client: "Client",
  username: "Username",
  clientId: "Client id",
  created: "Created",
  firstReply: "First reply",
  closedAt: "Closed at",
  cyclesAll: "Work periods",
  cyclesInPeriod: "Work periods in this report",
  reopenCount: "Reopened",
  firstReaction: "First reply time",
  firstReactionOk: "Reaction within target",
  resolutionTotal: "Resolution (total)",
  waitingTotal: "Waiting for the customer / on hold",
  reactionBreaches: "Reaction breaches",
  resolutionBreaches: "Resolution breaches",
  messagesIn: "Messages from client",
  messagesToClient: "Messages to client",
  lastActivity: "Last activity",
  tags: "Tags",
  priority: "Priority",
  prio_normal: "normal",
  prio_high: "high",
  prio_urgent: "urgent",
  targetsHigh: "High priority: reaction / close target",
  targetsUrgent: "Urgent: reaction / close target",
  generalTargets: "the general targets",
  cycle: "Work period",
  kind: "Breach",
  kindReaction: "Reaction",
  kindResolution: "Resolution",
  startedAt: "Work period started",
  endedAt: "Replied / closed at",
  workingTime: "Working time",
  target: "Target",
  overBy: "Over by",
  stillOpen: "still waiting",
  score: "Score",
  comment: "Comment",
  ratedAt: "Rated at",
  parameter: "Parameter",
  value: "Value",
  periodFrom: "Period from",
  periodTo: "Period to (exclusive)",
  timeZone: "Time zone",
  workingHours: "Working hours",
  holidays: "Holidays",
  reactionTarget: "Reaction target",
  closeTarget: "Close target",
  settingsChanges: "Settings changed in the period (applied from that moment on)",
  generatedAt: "Generated at",
  ticketsInReport: "Tickets in report",
  cyclesInReport: "Work periods in report",
  definitions: "Definitions",
  definitionsText:
    "A work period on a ticket runs from its creation or a reopening to the next close; " +
    "it belongs to the report period it started in. Reaction: start → first manager reply, " +
    "less the time on hold before it; resolution: start → close by a manager, less the " +
    "time the ticket waited for the customer (the team answered last) or was on hold, as " +
    "the SLA alerts count it; both in working time, judged against the targets of the " +
    "ticket's priority (high and urgent may have their own). Waiting for the customer / " +
    "on hold: the working time left out that way, over all the ticket's work periods (an " +
    "open one up to the report's moment); the summaries give its mean over the resolved " +
    "periods of the mean resolution, so the two add up to the customer's whole wait. Who " +
    "gets what: the " +
    "reaction belongs to whoever sent the first reply (while nobody holds an unanswered " +
    "ticket, to nobody); time held is split between the managers who held the ticket, " +
    "before and after a transfer; a resolution belongs to whoever closed it; an SLA breach " +
    "belongs to whoever held the ticket when the target was crossed. Closes by the client, " +
    "automatic closes of quiet tickets and closes by blocking the client are counted apart " +
    "and are never resolved within target. When a manager reopens a ticket themselves, no " +
    "reaction time is counted for that period of work. Within target = not longer than the " +
    "target; an unanswered or open period counts as a breach once past the target. Load " +
    "by hour: the messages clients wrote in each local hour of each weekday of the period, " +
    "and the work periods (new requests and reopenings) that started in that hour.",
  none: "none",
  yes: "yes",
  no: "no",
  open: "open",
  in_progress: "in progress",
  closedStatus: "closed",
};

const ru: typeof en = {
  sheetOverview: "Обзор",
  figure: "Показатель",
  thisPeriod: "Этот период",
  previousPeriod: "Прошлый период",
  change: "Изменение",
  ovTickets: "Заявок",
  ovFirstReply: "Медиана первого ответа (рабочее время)",
  ovResolution: "Медиана решения (рабочее время)",
  ovCsat: "CSAT (доля 4–5★)",
  ovBreaches: "Нарушений SLA",
  ovBacklog: "Открыто на конец периода",
  ovBusiest: "Самый загруженный час (сообщения клиентов)",
  sheetLoad: "Нагрузка по часам",
  hourOfDay: "Час",
  weekdays: ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"],
  loadTotal: "Сообщений клиентов за все дни",
  loadStarts: "Начато обращений",
  ovFaqSolved: "Решено готовыми ответами (без заявки)",
  sheetManagers: "Сводка по менеджерам",
  sheetTopics: "Сводка по темам",
  sheetTickets: "Заявки",
  sheetBreaches: "Нарушения SLA",
  sheetRatings: "Оценки",
  sheetParameters: "Параметры",
  manager: "Менеджер",
  topic: "Тема",
  total: "Итого",
  unassigned: "(не назначен)",
  cycles: "Периодов работы",
  heldTime: "Время в работе",
  closedByClient: "Закрыто клиентом",
  autoClosed: "Закрыто автоматически",
  closedByBlock: "Закрыто блокировкой",
  closed: "Закрыто",
  reopenedLater: "Решено, затем переоткрыто",
  reopenings: "Начато переоткрытием",
  medianReaction: "Медиана реакции",
  meanReaction: "Среднее время реакции",
  p90Reaction: "Реакция, 90% не дольше",
  reactionShare: "Реакция в норме",
  medianResolution: "Медиана решения",
  meanResolution: "Среднее время решения",
  p90Resolution: "Решение, 90% не дольше",
  meanWaiting: "Среднее ожидание клиента / отложено",
  resolutionShare: "Решение в норме",
  ratingAvg: "Средняя оценка",
  ratingCount: "Оценок",
  messagesOut: "Отправлено сообщений",
  csat: "CSAT (доля 4–5★)",
  stars: "Оценок {n}★",
  ticket: "Заявка",
  thread: "Обсуждение",
  status: "Статус",
  client: "Клиент",
  username: "Username",
  clientId: "Id клиента",
  created: "Создана",
  firstReply: "Первый ответ",
  closedAt: "Закрыта",
  cyclesAll: "Периодов работы",
  cyclesInPeriod: "Периодов работы в отчёте",
  reopenCount: "Переоткрыта",
  firstReaction: "Время первого ответа",
  firstReactionOk: "Реакция в норме",
  resolutionTotal: "Решение (всего)",
  waitingTotal: "Ожидание клиента / отложено",
  reactionBreaches: "Нарушений реакции",
  resolutionBreaches: "Нарушений решения",
  messagesIn: "Сообщений от клиента",
  messagesToClient: "Сообщений клиенту",
  lastActivity: "Последняя активность",
  tags: "Теги",
  priority: "Приоритет",
  prio_normal: "обычный",
  prio_high: "высокий",
  prio_urgent: "срочный",
  targetsHigh: "Высокий приоритет: цель реакции / решения",
  targetsUrgent: "Срочные: цель реакции / решения",
  generalTargets: "общие цели",
  cycle: "Период работы",
  kind: "Нарушение",
  kindReaction: "Реакция",
  kindResolution: "Решение",
  startedAt: "Начало периода работы",
  endedAt: "Ответ / закрытие",
  workingTime: "Рабочее время",
  target: "Норма",
  overBy: "Превышение",
  stillOpen: "ещё ждёт",
  score: "Оценка",
  comment: "Комментарий",
  ratedAt: "Оценено",
  parameter: "Параметр",
  value: "Значение",
  periodFrom: "Период с",
  periodTo: "Период по (не включая)",
  timeZone: "Часовой пояс",
  workingHours: "Рабочие часы",
  holidays: "Праздники",
  reactionTarget: "Норма реакции",
  closeTarget: "Норма закрытия",
  settingsChanges: "Изменения настроек в периоде (действуют с того момента)",
  generatedAt: "Сформирован",
  ticketsInReport: "Заявок в отчёте",
  cyclesInReport: "Периодов работы в отчёте",
  definitions: "Определения",
  definitionsText: "Период работы над заявкой — от создания или переоткрытия до следующего " +
    "закрытия; относится к периоду, в котором начался. Реакция: начало → первый ответ " +
    "менеджера без времени, когда заявка была отложена до него; решение: начало → закрытие " +
    "менеджером без времени, когда заявка ждала клиента (последней ответила команда) или " +
    "была отложена, — как считают оповещения SLA; оба в рабочем времени, по нормам " +
    "приоритета заявки (у высокого и срочного могут быть свои). Ожидание клиента / " +
    "отложено: рабочее время, исключённое так, по всем периодам работы заявки (открытый — " +
    "до момента отчёта); в сводках — среднее по тем же решённым периодам, что и среднее " +
    "время решения, так что вместе они дают всё ожидание клиента. Кому что: " +
    "реакция — тому, кто ответил первым (пока заявка без ответа ни за кем не закреплена — " +
    "никому); время в работе делится между менеджерами, у которых была заявка, до и после " +
    "передачи; решение — тому, кто закрыл; нарушение SLA — тому, у кого была заявка в момент, " +
    "когда норма истекла. Закрытия клиентом, автоматические закрытия тихих заявок и " +
    "закрытия блокировкой считаются отдельно и никогда не идут как решённые в норме. Если " +
    "менеджер сам переоткрыл заявку, время реакции для этого периода не считается. В норме " +
    "= не дольше нормы; период без ответа или открытый — нарушение, как только норма прошла. " +
    "Нагрузка по часам: сообщения клиентов за каждый местный час каждого дня недели периода " +
    "и периоды работы (новые обращения и переоткрытия), начатые в этот час.",
  none: "нет",
  yes: "да",
  no: "нет",
  open: "открыта",
  in_progress: "в работе",
  closedStatus: "закрыта",
};

/** The label table of a workbook. */
export type Labels = typeof en;

/** Label tables by language. */
export const LABELS: Record<ReportLang, Labels> = { en, ru };
