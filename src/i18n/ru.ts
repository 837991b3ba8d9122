import { managerRu } from "./manager_ru.ts";
import { settingsRu } from "./settings_ru.ts";

/** Russian texts (the default language and the reference set of keys). */
export const ru = {
  ...settingsRu,
  ...managerRu,
  // client bot
  greeting: "Здравствуйте! Это служба поддержки. Опишите вопрос — мы ответим здесь же.",
  btn_new_ticket: "📝 Новое обращение",
  btn_my_tickets: "📂 Мои обращения",
  btn_help: "❓ Помощь",
  help:
    "Нажмите «Новое обращение», выберите тему и напишите вопрос — текстом, фото, файлом или голосом. Каждое обращение получает номер. Ответ придёт сюда же.\n\n/new — новое обращение\n/tickets — мои обращения\n/help — помощь",
  choose_topic: "Выберите тему обращения:",
  type_topic: "Напишите тему обращения одной строкой:",
  ask_question: "Тема: {topic}. Теперь опишите вопрос одним или несколькими сообщениями.",
  ticket_created: "Мы получили ваше обращение и ответим здесь как можно скорее.",
  ticket_header: "Обращение #{number} · {topic}",
  no_tickets: "У вас пока нет обращений.",
  my_tickets: "Ваши обращения (текущее отмечено ▶️):",
  ticket_line: "#{number} · {topic} · {status}",
  status_open: "ожидает ответа",
  status_in_progress: "в работе",
  status_closed: "закрыто",
  current_switched: "Текущее обращение: #{number}. Сообщения пойдут в него.",
  btn_close: "✅ Закрыть #{number}",
  btn_reopen: "🔄 Открыть снова #{number}",
  btn_make_current: "▶️ #{number}",
  ticket_closed_client: "Обращение #{number} закрыто. Спасибо!",
  ticket_closed_by_manager: "Обращение #{number} закрыто специалистом.",
  ticket_reopened_client: "Обращение #{number} снова открыто. Напишите, что случилось.",
  ticket_reopened_by_manager: "Обращение #{number} снова открыто специалистом.",
  rate_prompt: "Оцените, пожалуйста, помощь по обращению #{number}:",
  rate_thanks: "Спасибо за оценку! Если хотите, ответьте на это сообщение комментарием.",
  rate_placeholder: "Комментарий к оценке",
  rate_comment_thanks: "Спасибо, комментарий сохранён.",
  closed_ask:
    "Обращение #{number} закрыто. Открыть его снова или создать новое? Ваше сообщение сохранено и будет отправлено.",
  closed_ask_new:
    "Обращение #{number} закрыто, и его история слишком длинная, чтобы открыть его ещё раз. Создайте новое обращение: ваше сообщение сохранено и будет отправлено.",
  reopen_too_long:
    "Обращение #{number} закрыто, и его история слишком длинная, чтобы открыть его ещё раз. Пожалуйста, создайте новое обращение.",
  btn_reopen_and_send: "🔄 Открыть #{number}",
  btn_new_and_send: "📝 Новое обращение",
  no_current_ticket: "Чтобы задать вопрос, создайте обращение: нажмите «Новое обращение».",
  flood_client:
    "Вы отправляете сообщения слишком быстро: сообщения после первых {limit} за эту минуту не переданы. Подождите минуту и отправьте то, что ещё нужно.",
  blocked_client: "К сожалению, мы не можем принять ваше сообщение.",
  service_closed_kept:
    "Служба поддержки сейчас закрыта. Ваше сообщение сохранено и попадёт к команде, как только поддержка снова откроется.",
  service_not_open:
    "Служба поддержки сейчас закрыта. Всё равно напишите свой вопрос: он сохранится и попадёт к команде, как только поддержка снова откроется.",
  ticket_number_prefix: "#{number}",
  off_hours: "Сейчас нерабочее время. Мы получили ваше сообщение и ответим в рабочие часы.",
  custom_text: "{text}",
  topic_gone: "Этой темы больше нет — вот темы, какие есть сейчас.",
  unknown_action: "Это действие больше недоступно.",
  not_yours: "Это не ваше обращение.",
  message_too_long: "Сообщение слишком длинное.",
  // ticket post in the channel
  post_title: "🎫 Обращение #{number}",
  post_status: "Статус: {status}",
  post_topic: "Тема: {topic}",
  post_client: "Клиент: {name} {username} (id {id}, язык {lang})",
  post_manager: "Ответственный: {manager}",
  post_unassigned: "не назначен",
  post_rating: "Оценка: {rating}",
  post_created: "Создано: {time}",
  post_overdue: "⏰ Просрочено: {what}",
  post_duplicate:
    "⚠️ Второй пост этого обращения (из-за сбоя сети он отправлен дважды). Комментарии здесь тоже доходят до клиента; отвечайте, пожалуйста, под основным постом: {link}",
  post_unreachable: "⚠️ Клиент заблокировал бота",
  post_blocked: "⛔ Клиент заблокирован",
  sla_reaction: "время реакции",
  sla_close: "срок закрытия",
  btn_take: "🙋 Взять",
  btn_post_close: "✅ Закрыть",
  btn_post_reopen: "🔄 Открыть снова",
  // thread notices (managers' group)
  thread_client_flood:
    "⚠️ Клиент отправляет больше {limit} сообщений в минуту: остальные сообщения этой минуты не приняты (ему предложено подождать и отправить снова).",
  thread_not_manager: "Сообщение не отправлено клиенту: вы не менеджер этой службы.",
  thread_anonymous:
    "Сообщение не отправлено: пишите от своего имени, а не от имени канала или группы.",
  thread_closed:
    "Обращение #{number} закрыто, сообщение не доставлено. Откройте его снова кнопкой под постом или командой /reopen.",
  thread_client_unreachable: "⚠️ Клиент заблокировал бота, сообщения ему не доставляются.",
  thread_client_back: "✅ Клиент снова доступен, отложенные сообщения отправляются.",
  thread_undeliverable: "⚠️ Не удалось доставить сообщение клиенту: {reason}",
  thread_undeliverable_after:
    "⚠️ Не удалось доставить сообщение клиенту: {reason} (попыток: {attempts}). Больше не отправляется.",
  thread_moved:
    "🔁 Служба поддержки переехала в новый канал: обращение #{number} продолжается здесь. Прежняя переписка: {link}",
  thread_moved_nolink:
    "🔁 Служба поддержки переехала в новый канал: обращение #{number} продолжается здесь.",
  thread_desk_removed:
    "🔁 Стол обращения #{number} удалён: оно продолжается здесь, на главном столе. Прежняя переписка: {link}",
  thread_desk_removed_nolink:
    "🔁 Стол обращения #{number} удалён: оно продолжается здесь, на главном столе.",
  thread_no_group_before:
    "🔁 Обращение #{number} создано, когда у канала не было группы обсуждения, поэтому опубликовано заново; сообщения клиента — ниже.",
  thread_post_deleted:
    "🔁 Пост обращения #{number} удалили в канале, поэтому обращение опубликовано заново. Прежняя переписка: {link}",
  thread_not_copied: "⚠️ Сообщение клиента не удалось скопировать в этот тред: {reason}",
  client_undelivered:
    "⚠️ Ваше сообщение не удалось передать в поддержку. Пожалуйста, отправьте его ещё раз позже.",
  admin_undeliverable:
    "⚠️ Обращение #{number}: сообщение не доставлено в группу менеджеров: {reason}",
  thread_closed_by: "Обращение закрыто ({who}).",
  thread_reopened_by: "Обращение снова открыто ({who}).",
  thread_rated: "Оценка клиента: {score} {comment}",
  thread_taken: "Обращение взял(а) {manager}.",
  thread_transferred: "Обращение передано: {manager}.",
  thread_unassigned:
    "{manager} больше не в команде: обращение вернулось в общую очередь, возьмите его (/take).",
  admin_update_set_aside:
    "⚠️ Обновление бота {bot} (#{id}) не удалось обработать ни с одной попытки, оно отложено, чтобы остальное шло дальше: {reason}. Сообщение в нём, возможно, нужно посмотреть вручную; сервис продолжает работать.",
  admin_storage_trouble:
    "⚠️ База данных больше минуты не принимает запись ({reason}). Входящие сообщения ждут в Telegram (он хранит их 24 часа) и не теряются, но ничего не движется: освободите место на диске или остановите то, что блокирует базу.",
  admin_storage_ok: "✅ База данных снова принимает запись; ожидавшие сообщения обрабатываются.",
  admin_setup_broken:
    "⚠️ Настройка поддержки нарушена: пока это не исправлено, новые обращения могут остаться без ветки, а сообщения команде ждут (ничего не удаляется). Что сделать:",
  admin_setup_whole:
    "✅ Настройка снова в порядке (канал, группа обсуждения, права ботов); ожидавшие сообщения обрабатываются. Обращения, созданные во время сбоя, стоит проверить.",
  admin_low_rating: "⚠️ Низкая оценка {score} по обращению #{number} ({topic}).",
  thread_deleted: "Сообщение удалено у клиента.",
  thread_delete_failed: "Не удалось удалить сообщение у клиента.",
  thread_desk_answer: "↩️ {manager} ответил(а) из бота менеджеров:",
  thread_edit_failed:
    "Исправление не дошло до клиента: его копия удалена или слишком старая для правки.",
  who_client: "клиент",
  who_manager: "менеджер {name}",
  // manager bot
  mgr_button_elsewhere: "Эта кнопка работает только под постом обращения в канале.",
  mgr_not_manager: "Этот бот только для менеджеров службы поддержки.",
  mgr_welcome:
    "Здравствуйте! Здесь будут ваши обращения. Отвечайте клиентам в комментариях к постам канала.",
  mgr_taken: "Вы взяли обращение #{number}.",
  mgr_closed: "Обращение #{number} закрыто.",
  mgr_reopened: "Обращение #{number} снова открыто.",
  // transition refusals
  reason_not_owner: "Это не ваше обращение.",
  reason_not_yours:
    "Обращение #{number} ведёт другой менеджер: это может сделать только он или администратор.",
  reason_not_allowed: "У вас нет прав на это действие.",
  reason_already_closed: "Обращение #{number} уже закрыто.",
  reason_not_closed: "Обращение #{number} не закрыто.",
  reason_closed: "Обращение #{number} закрыто.",
  reason_already_assigned: "Обращение #{number} уже взял другой менеджер.",
  reason_already_yours: "Обращение #{number} уже ваше.",
  reason_same_manager: "Обращение #{number} уже у этого менеджера.",
  reason_not_rated_yet_closed: "Обращение #{number} ещё не закрывалось.",
  reason_already_rated: "Вы уже оценили обращение #{number}.",
  reason_bad_score: "Оценка должна быть от 1 до 5.",
  reason_not_found: "Обращение #{number} не найдено.",
  // team workflows (assignment, priority, waiting, search, merge, ready answers)
  thread_assigned: "Обращение назначено по правилу: {manager}.",
  thread_priority: "Приоритет: {priority}.",
  prio_normal: "обычный",
  prio_high: "высокий",
  prio_urgent: "срочный",
  prio_mark_normal: "⚪",
  prio_mark_high: "🟠",
  prio_mark_urgent: "🔴",
  post_priority: "Приоритет: {priority}",
  reason_same_priority: "У обращения #{number} уже этот приоритет.",
  thread_held:
    "Отложено: {reason}. Сроки SLA на паузе, пока клиент не напишет или паузу не снимут.",
  thread_resumed: "Пауза снята: сроки SLA снова идут.",
  post_wait_team: "Ждёт: ответа команды",
  post_wait_customer: "Ждёт: ответа клиента",
  post_wait_hold: "Отложено: {reason}",
  reason_not_on_hold: "Обращение #{number} не отложено.",
  thread_earlier: "Прежние обращения этого клиента:\n{list}",
  thread_earlier_line: "#{number} · {topic} · {status}",
  thread_earlier_more: "… и ещё {n} (/client в боте менеджеров)",
  thread_merged_into: "Объединено с обращением #{other}: переписка продолжается там. {link}",
  thread_merged_from: "Сюда объединено обращение #{other} того же клиента. {link}",
  ticket_merged_client:
    "Ваше обращение #{from} — о том же, что и #{other}: мы объединили их и продолжим в #{other}.",
  reason_merge_self: "Обращение нельзя объединить с самим собой.",
  reason_merge_other_client: "Обращения #{number} и #{other} — от разных клиентов.",
  reason_merge_target_closed:
    "Обращение #{other} закрыто: сначала откройте его снова или объедините наоборот.",
  faq_intro: "{topic}: возможно, ответ уже есть здесь.\n\n{text}",
  btn_faq_ok: "✅ Это помогло",
  btn_faq_more: "💬 Мне всё ещё нужна помощь",
  faq_solved: "Рады, что помогло! Если появится другой вопрос — нажмите «Новое обращение».",
  thread_tags: "Теги: {tags}.",
  thread_tags_none: "Тегов больше нет.",
  post_tags: "Теги: {tags}",
  reason_tags_unchanged: "Теги обращения #{number} от этого не меняются.",
  reason_too_long:
    "Обращение #{number} открывали снова слишком много раз, ещё раз его не открыть: следующее сообщение клиента создаст новое обращение.",
  reason_too_many_tags: "У обращения может быть не больше {count} тегов.",
  thread_client_note: "📝 Заметка о клиенте: {note}",
  thread_note_set: "📝 {who} обновил(а) заметку о клиенте: {note}",
  thread_note_cleared: "📝 {who} удалил(а) заметку о клиенте.",
};
