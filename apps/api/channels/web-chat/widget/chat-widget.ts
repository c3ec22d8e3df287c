/**
 * The embeddable chat widget, served by the API at GET /chat/widget.js. A brand adds one tag:
 *
 *   <script src="https://inbox.example.com/chat/widget.js" data-account="<account id>" async></script>
 *
 * Plain browser JavaScript, no dependencies, kept as text here so the build ships it with the API.
 * It keeps a random visitor id and the current conversation (id + visitor token) in localStorage,
 * receives replies over server-sent events (polling every 3 s when those fail), beats every 15 s while
 * the page is open (with what the visitor has seen), and says goodbye when the page is closed.
 * Messages are rendered as text, never as HTML.
 */
const WIDGET_SOURCE = String.raw`(function () {
  'use strict';
  var script = document.currentScript || document.querySelector('script[data-account][src*="/chat/widget.js"]');
  if (!script || window.__inboxChatWidget) return;
  window.__inboxChatWidget = true;
  var accountId = script.getAttribute('data-account');
  var api = script.src.replace(/\/chat\/widget\.js(\?.*)?$/, '');
  var HEARTBEAT_MS = 15000, POLL_MS = 3000, TYPING_THROTTLE_MS = 3000;
  var storageKey = 'inbox-chat:' + accountId;
  var rendered = {};
  var newestSeenCandidate = null;
  var stream = null, pollTimer = null, lastTypingAt = 0;

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return 'v' + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function visitorId() {
    var id = localStorage.getItem('inbox-chat-visitor');
    if (!id) { id = randomId(); localStorage.setItem('inbox-chat-visitor', id); }
    return id;
  }
  function saved() { try { return JSON.parse(localStorage.getItem(storageKey) || 'null'); } catch (e) { return null; } }
  function save(conversation) {
    if (conversation) localStorage.setItem(storageKey, JSON.stringify(conversation)); else localStorage.removeItem(storageKey);
  }

  var css = '.inbox-chat{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif}' +
    '.inbox-chat button{cursor:pointer;border:0;border-radius:6px;background:#2b59c3;color:#fff;padding:8px 12px}' +
    '.inbox-chat-panel{display:none;width:320px;height:440px;flex-direction:column;background:#fff;border:1px solid #ccd;border-radius:10px;box-shadow:0 4px 24px rgba(0,0,0,.15);overflow:hidden}' +
    '.inbox-chat-open .inbox-chat-panel{display:flex}.inbox-chat-open .inbox-chat-launcher{display:none}' +
    '.inbox-chat-messages{flex:1;overflow-y:auto;padding:10px;background:#f6f7fb}' +
    '.inbox-chat-message{margin:6px 0;padding:6px 10px;border-radius:8px;max-width:80%;white-space:pre-wrap;word-wrap:break-word}' +
    '.inbox-chat-from-visitor{margin-left:auto;background:#2b59c3;color:#fff}.inbox-chat-from-agent{background:#fff;border:1px solid #dde}' +
    '.inbox-chat-rating{display:flex;gap:4px;margin-top:6px}.inbox-chat-rate{min-width:28px;font-style:normal}' +
    '.inbox-chat-from-system{background:#eef;font-style:italic}.inbox-chat-notice{padding:8px 10px;background:#fff4d6;display:none}' +
    '.inbox-chat-identity input,.inbox-chat-compose textarea{width:100%;box-sizing:border-box;margin:2px 0;padding:6px;border:1px solid #ccd;border-radius:4px;font:inherit}' +
    '.inbox-chat-identity{padding:6px 10px}.inbox-chat-compose{display:flex;gap:6px;padding:8px;border-top:1px solid #eee}.inbox-chat-compose textarea{height:40px;resize:none}';

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  var style = element('style'); style.textContent = css; document.head.appendChild(style);
  var root = element('div', 'inbox-chat');
  var launcher = element('button', 'inbox-chat-launcher', 'Chat with us');
  var panel = element('div', 'inbox-chat-panel');
  var header = element('div', 'inbox-chat-header');
  header.style.cssText = 'display:flex;justify-content:space-between;align-items:center;padding:8px 10px;background:#2b59c3;color:#fff';
  header.appendChild(element('strong', null, 'Chat'));
  var closeButton = element('button', 'inbox-chat-hide', '\u00d7');
  header.appendChild(closeButton);
  var identity = element('div', 'inbox-chat-identity');
  var nameInput = element('input', 'inbox-chat-name'); nameInput.placeholder = 'Your name (optional)';
  var emailInput = element('input', 'inbox-chat-email'); emailInput.placeholder = 'Email, so we can reply if you leave (optional)'; emailInput.type = 'email';
  identity.appendChild(nameInput); identity.appendChild(emailInput);
  var list = element('div', 'inbox-chat-messages');
  var typingLine = element('div', 'inbox-chat-typing', 'Agent is typing\u2026');
  typingLine.style.cssText = 'display:none;padding:2px 10px;color:#667;font-size:12px';
  var notice = element('div', 'inbox-chat-notice');
  var noticeText = element('span', null, 'This conversation has ended. ');
  var restart = element('button', 'inbox-chat-restart', 'Start a new conversation');
  notice.appendChild(noticeText); notice.appendChild(restart);
  var compose = element('form', 'inbox-chat-compose');
  var input = element('textarea', 'inbox-chat-input'); input.placeholder = 'Type a message';
  var send = element('button', 'inbox-chat-send', 'Send'); send.type = 'submit';
  compose.appendChild(input); compose.appendChild(send);
  panel.appendChild(header); panel.appendChild(identity); panel.appendChild(list); panel.appendChild(typingLine); panel.appendChild(notice); panel.appendChild(compose);
  root.appendChild(launcher); root.appendChild(panel);
  document.body.appendChild(root);

  function request(method, path, body, token, keepalive) {
    var headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, keepalive: !!keepalive });
  }
  function render(message) {
    if (rendered[message.id]) return;
    rendered[message.id] = true;
    var item = message.survey ? surveyItem(message) : element('div', 'inbox-chat-message inbox-chat-from-' + message.from, message.body);
    item.setAttribute('data-message-id', message.id);
    list.appendChild(item);
    list.scrollTop = list.scrollHeight;
    if (message.from !== 'visitor') { newestSeenCandidate = message.id; typingLine.style.display = 'none'; reportSeen(); }
  }
  // A satisfaction survey: its question (the first line; the rest is the link for other channels) and a 1-5 rating.
  function surveyItem(message) {
    var item = element('div', 'inbox-chat-message inbox-chat-from-system inbox-chat-survey');
    item.appendChild(element('div', null, message.body.split('\n')[0]));
    var choices = element('div', 'inbox-chat-rating');
    choices.setAttribute('role', 'group');
    choices.setAttribute('aria-label', 'Rate this conversation from 1 (poor) to 5 (excellent)');
    var thanks = element('div', 'inbox-chat-rated');
    function rated(score) { thanks.textContent = 'You rated ' + score + ' / 5. Thank you!'; }
    if (message.survey.score) rated(message.survey.score);
    [1, 2, 3, 4, 5].forEach(function (score) {
      var button = element('button', 'inbox-chat-rate', String(score));
      button.type = 'button';
      button.setAttribute('aria-label', 'Rate ' + score + ' of 5');
      button.addEventListener('click', function () {
        var conversation = saved();
        if (!conversation) return;
        request('POST', '/chat/conversations/' + conversation.conversationId + '/rating', { messageId: message.id, score: score }, conversation.visitorToken)
          .then(function (response) { if (response.ok) rated(score); })
          .catch(function () {});
      });
      choices.appendChild(button);
    });
    item.appendChild(choices); item.appendChild(thanks);
    return item;
  }
  function showClosed(closed) {
    notice.style.display = closed ? 'block' : 'none';
    compose.style.display = closed ? 'none' : 'flex';
  }
  function isOpen() { return root.className.indexOf('inbox-chat-open') >= 0; }
  function visible() { return isOpen() && document.visibilityState === 'visible'; }
  var lastReportedSeen = null;
  function beat(extra) {
    var conversation = saved();
    if (!conversation) return;
    var body = { presence: 'online' };
    if (visible() && newestSeenCandidate) body.seenUpToMessageId = newestSeenCandidate;
    for (var key in extra) body[key] = extra[key];
    if (body.seenUpToMessageId) lastReportedSeen = body.seenUpToMessageId;
    request('POST', '/chat/conversations/' + conversation.conversationId + '/heartbeat', body, conversation.visitorToken, body.presence === 'offline').catch(function () {});
  }
  function reportSeen() { if (visible() && newestSeenCandidate !== lastReportedSeen) beat({}); }

  function stopReceiving() {
    if (stream) { stream.close(); stream = null; }
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }
  function poll(conversation) {
    request('GET', '/chat/conversations/' + conversation.conversationId, null, conversation.visitorToken)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (!result) return;
        result.messages.forEach(render);
        showClosed(result.status === 'closed');
        typingLine.style.display = result.agentTyping ? 'block' : 'none';
      })
      .catch(function () {});
  }
  function receive() {
    stopReceiving();
    var conversation = saved();
    if (!conversation) return;
    if (!window.EventSource) { pollTimer = setInterval(function () { poll(conversation); }, POLL_MS); poll(conversation); return; }
    stream = new EventSource(api + '/chat/conversations/' + conversation.conversationId + '/events?token=' + encodeURIComponent(conversation.visitorToken));
    stream.addEventListener('message', function (event) { render(JSON.parse(event.data)); });
    stream.addEventListener('status', function (event) { showClosed(JSON.parse(event.data).status === 'closed'); });
    stream.addEventListener('typing', function (event) { typingLine.style.display = JSON.parse(event.data).agentTyping ? 'block' : 'none'; });
    stream.onerror = function () {
      if (stream && stream.readyState === EventSource.CLOSED) {
        stream = null;
        pollTimer = setInterval(function () { poll(conversation); }, POLL_MS);
        poll(conversation);
      }
    };
  }
  function startConversation() {
    var body = { accountId: accountId, visitorId: visitorId() };
    if (nameInput.value.trim()) body.name = nameInput.value.trim();
    if (emailInput.value.trim()) body.email = emailInput.value.trim();
    return request('POST', '/chat/conversations', body).then(function (response) {
      if (!response.ok) throw new Error('could not start a conversation: ' + response.status);
      return response.json();
    }).then(function (started) {
      save({ conversationId: started.conversationId, visitorToken: started.visitorToken });
      identity.style.display = 'none';
      receive();
      return saved();
    });
  }
  function post(text, isRetry) {
    var existing = saved();
    var ready = existing ? Promise.resolve(existing) : startConversation();
    return ready.then(function (conversation) {
      return request('POST', '/chat/conversations/' + conversation.conversationId + '/messages', { body: text, clientMessageId: randomId() }, conversation.visitorToken);
    }).then(function (response) {
      if (response.status === 409) { showClosed(true); return; }
      // A conversation that never got a message is deleted after a day: start a new one, once.
      if (response.status === 404 && !isRetry) { stopReceiving(); save(null); return post(text, true); }
      if (!response.ok) throw new Error('message not sent: ' + response.status);
      var conversation = saved();
      if (!stream && !pollTimer) receive();
      poll(conversation);
    });
  }

  launcher.addEventListener('click', function () { root.className = 'inbox-chat inbox-chat-open'; reportSeen(); input.focus(); });
  closeButton.addEventListener('click', function () { root.className = 'inbox-chat'; });
  restart.addEventListener('click', function () {
    stopReceiving(); save(null); rendered = {}; newestSeenCandidate = null; lastReportedSeen = null;
    list.textContent = ''; identity.style.display = 'block'; showClosed(false);
  });
  compose.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    post(text).catch(function () { input.value = text; });
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); compose.requestSubmit(); return; }
    if (Date.now() - lastTypingAt > TYPING_THROTTLE_MS) { lastTypingAt = Date.now(); beat({ typing: true }); }
  });
  document.addEventListener('visibilitychange', reportSeen);
  window.addEventListener('pagehide', function () { beat({ presence: 'offline' }); });
  setInterval(function () { beat({}); }, HEARTBEAT_MS);

  if (saved()) { identity.style.display = 'none'; receive(); beat({}); }
})();
`;

export function chatWidgetScript(): string {
  return WIDGET_SOURCE;
}
