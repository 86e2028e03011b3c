/* A room's page, upgraded to a live conversation (community.consumers.RoomConsumer).
 *
 * Without this script the page still reads (server-rendered history, paging links) and posts
 * (a plain form, post/redirect/get). With it:
 * - new, edited and deleted messages appear as they happen; each is drawn from the page's
 *   <template id="room-message-template">, so it looks exactly like the server's, and it is
 *   keyed by its id: whatever arrives twice (history, live event, missed-messages fetch) is
 *   drawn once;
 * - sending is optimistic: the message shows at once as "Sending…", with a client_id the
 *   server stores it under; the ack turns it into the stored one. Messages not acknowledged
 *   when the connection drops are sent again on reconnection, with the same client_id,
 *   so the server stores them once;
 * - after each (re)connection the messages missed meanwhile are fetched over HTTP
 *   (?after=<last id>, until there are no more), and so are any the heartbeat's answer shows
 *   were never broadcast to this page;
 * - who is online and who is typing are shown; new messages from others are read out by
 *   screen readers through a polite live region.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("room-config");
  if (!configElement || !window.CampusSocket) { return; }
  var config = JSON.parse(configElement.textContent);
  var strings = JSON.parse(document.getElementById("room-strings").textContent);
  var list = document.getElementById("room-messages");
  var prototype = document.getElementById("room-message-template").content.firstElementChild;
  var form = document.getElementById("room-form");
  var textarea = form ? form.querySelector("textarea") : null;
  var empty = document.getElementById("room-empty");
  var older = document.getElementById("room-older");
  var announcer = document.getElementById("room-announcer");
  var typingLine = document.getElementById("room-typing");
  var presenceBox = document.getElementById("room-presence-box");
  var presenceList = document.getElementById("room-presence");
  var statusLine = document.getElementById("room-status");

  var lastId = config.last;
  var pending = {};   // client_id -> {element, body}: sent, not acknowledged yet
  var present = {};   // user id -> person
  var typing = {};    // user id -> {name, timer}
  var typingSent = 0;
  var dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"
  });

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, key) { return values[key]; });
  }

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 15) | 64;
    bytes[8] = (bytes[8] & 63) | 128;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // --- Drawing messages -------------------------------------------------------------------

  function fresh() {
    return prototype.cloneNode(true);
  }

  function point(element, id) {
    // The prototype's links and forms name message 0: make them name this one.
    element.querySelectorAll("a[href], form[action]").forEach(function (node) {
      var attribute = node.tagName === "A" ? "href" : "action";
      node.setAttribute(attribute, node.getAttribute(attribute).replace(/\/messages\/\d+\//, "/messages/" + id + "/"));
    });
  }

  function draw(data, element) {
    element = element || fresh();
    if (element.dataset.id !== String(data.id)) { point(element, data.id); }
    element.id = "message-" + data.id;
    element.dataset.id = data.id;
    element.dataset.author = data.author.id;
    element.classList.remove("room-message--pending");
    element.querySelector(".room-message__author").textContent = data.author.name;
    var time = element.querySelector(".room-message__time");
    time.setAttribute("datetime", data.created);
    time.textContent = dateFormat.format(new Date(data.created));
    element.querySelector(".room-message__edited").hidden = !data.edited;
    element.querySelector(".room-message__gone--deleted").hidden = !data.deleted;
    element.querySelector(".room-message__gone--hidden").hidden = !data.hidden;
    var body = element.querySelector(".room-message__body");
    var visible = !data.deleted && !data.hidden;
    // The server blanks a hidden message's body in events; animateurs keep what they saw.
    if (visible || !config.runs) {
      // Sanitised HTML: cleaned by the server's allow-list (campus.sanitize) before storage.
      body.innerHTML = data.body;
    }
    body.hidden = data.deleted || (data.hidden && !config.runs);
    var own = visible && config.may_post && data.author.id === config.me;
    element.querySelectorAll(".room-message__own").forEach(function (node) { node.hidden = !own; });
    var hide = element.querySelector(".room-message__hide");
    if (hide) { hide.hidden = !visible; }
    var restore = element.querySelector(".room-message__restore");
    if (restore) { restore.hidden = !data.hidden; }
    return element;
  }

  function insert(element, id) {
    // In id order; messages still sending stay last.
    var children = list.children;
    var before = null;
    for (var i = children.length - 1; i >= 0; i -= 1) {
      var other = children[i].dataset.id;
      if (other === "" || Number(other) > id) { before = children[i]; } else { break; }
    }
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.insertBefore(element, before);
    if (atBottom) { list.scrollTop = list.scrollHeight; }
    empty.hidden = true;
  }

  function announce(data) {
    var text = document.createElement("div");
    text.innerHTML = data.body;
    announcer.textContent = format(strings.new_message, {
      name: data.author.name, text: text.textContent.trim().slice(0, 200)
    });
  }

  function upsert(data, live) {
    var element = document.getElementById("message-" + data.id);
    if (!element && data.client_id && pending[data.client_id]) {
      element = pending[data.client_id].element;
      delete pending[data.client_id];
    }
    if (element) {
      draw(data, element);
      if (!element.parentNode) { insert(element, data.id); }
    } else {
      insert(draw(data), data.id);
      if (live && data.author.id !== config.me) { announce(data); }
    }
    if (data.id > lastId) { lastId = data.id; }
  }

  function showPending(body, clientId) {
    var element = fresh();
    element.removeAttribute("id");
    element.dataset.id = "";
    element.classList.add("room-message--pending");
    element.querySelector(".room-message__author").textContent = config.me_name;
    element.querySelector(".room-message__time").textContent = strings.sending;
    element.querySelector(".room-message__body").textContent = body;
    element.querySelectorAll(".room-message__own, .room-message__hide, .room-message__restore, .room-message__gone, .room-message__edited")
      .forEach(function (node) { node.hidden = true; });
    list.appendChild(element);
    list.scrollTop = list.scrollHeight;
    empty.hidden = true;
    pending[clientId] = {element: element, body: body};
  }

  // --- Presence and typing ----------------------------------------------------------------

  function drawPresence() {
    presenceList.textContent = "";
    Object.keys(present).map(function (id) { return present[id]; })
      .sort(function (a, b) { return a.name.localeCompare(b.name); })
      .forEach(function (person) {
        var item = document.createElement("li");
        item.textContent = person.name + (person.id === config.me ? " " + strings.you : "");
        item.title = "@" + person.handle;
        presenceList.appendChild(item);
      });
  }

  function drawTyping() {
    var names = Object.keys(typing).map(function (id) { return typing[id].name; });
    if (names.length === 0) { typingLine.textContent = ""; }
    else if (names.length === 1) { typingLine.textContent = format(strings.typing_one, {name: names[0]}); }
    else if (names.length === 2) { typingLine.textContent = format(strings.typing_two, {first: names[0], second: names[1]}); }
    else { typingLine.textContent = strings.typing_many; }
  }

  function stopTyping(id) {
    if (typing[id]) { window.clearTimeout(typing[id].timer); delete typing[id]; drawTyping(); }
  }

  function startTyping(person) {
    stopTyping(person.id);
    typing[person.id] = {name: person.name, timer: window.setTimeout(function () { stopTyping(person.id); }, 4000)};
    drawTyping();
  }

  // --- Errors -----------------------------------------------------------------------------

  var errorLine = null;
  function showError(message) {
    if (!form) { return; }
    if (!errorLine) {
      errorLine = document.createElement("p");
      errorLine.className = "fr-error-text";
      errorLine.id = "room-form-error";
      errorLine.setAttribute("role", "alert");
      textarea.insertAdjacentElement("afterend", errorLine);
    }
    errorLine.textContent = message;
    errorLine.hidden = !message;
    var described = (textarea.getAttribute("aria-describedby") || "").split(" ");
    if (message && described.indexOf("room-form-error") === -1) {
      textarea.setAttribute("aria-describedby", described.concat("room-form-error").join(" ").trim());
    }
  }

  // --- The connection ---------------------------------------------------------------------

  function fetchMissed(after) {
    var url = config.missed + "?after=" + after;
    return window.fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        data.messages.forEach(function (message) { upsert(message, false); });
        if (data.has_more && data.messages.length) { return fetchMissed(data.messages[data.messages.length - 1].id); }
      })
      .catch(function () { /* The next reconnection fetches again. */ });
  }

  var handlers = {
    "history": function (data) {
      data.messages.forEach(function (message) { upsert(message, false); });
      if (data.before !== null && older) {
        if (data.has_more && data.messages.length) { older.href = "?before=" + data.messages[0].id; }
        else { older.parentNode.hidden = true; }
      }
    },
    "presence": function (data) {
      present = {};
      data.users.forEach(function (person) { present[person.id] = person; });
      drawPresence();
    },
    "presence.joined": function (data) { present[data.user.id] = data.user; drawPresence(); },
    "presence.left": function (data) { delete present[data.user.id]; stopTyping(data.user.id); drawPresence(); },
    "typing": function (data) { startTyping(data.user); },
    // The heartbeat's answer names the newest message: one never broadcast to us is fetched.
    "pong": function (data) { if (data.last > lastId) { fetchMissed(lastId); } },
    "message.created": function (data) { stopTyping(data.message.author.id); upsert(data.message, true); },
    "message.updated": function (data) { upsert(data.message, false); },
    "message.ack": function (data) { upsert(data.message, false); },
    "room.updated": function (data) {
      document.getElementById("room-name").textContent = data.room.name;
      var topic = document.getElementById("room-topic");
      topic.textContent = data.room.topic;
      topic.hidden = !data.room.topic;
      document.getElementById("room-archived").hidden = !data.room.archived;
      if (form) { form.hidden = data.room.archived; }
    },
    "error": function (data) {
      var sent = data.client_id && pending[data.client_id];
      if (sent) {
        sent.element.remove();
        delete pending[data.client_id];
        if (textarea && !textarea.value) { textarea.value = sent.body; }
      }
      showError(data.message);
    }
  };

  var socket = new window.CampusSocket(config.socket, {
    ping: {type: "presence.ping"},
    onopen: function () {
      statusLine.textContent = strings.connected;
      fetchMissed(lastId);
      // What was sent but not acknowledged goes again, under the same client_id.
      Object.keys(pending).forEach(function (clientId) {
        socket.send({type: "message.send", body: pending[clientId].body, client_id: clientId});
      });
    },
    onmessage: function (data) {
      if (handlers[data.type]) { handlers[data.type](data); }
    },
    onretry: function (delay) {
      statusLine.textContent = format(strings.reconnecting, {seconds: Math.ceil(delay / 1000)});
    },
    onclosed: function () {
      statusLine.textContent = strings.closed;
      present = {};
      drawPresence();
    }
  });

  // --- The page's controls ----------------------------------------------------------------

  presenceBox.hidden = false;
  list.classList.add("room-messages--live");
  list.tabIndex = 0;  // A scrolling box must be reachable with the keyboard.
  list.scrollTop = list.scrollHeight;

  if (form) {
    form.addEventListener("submit", function (event) {
      if (!socket.isOpen()) { return; }  // The form posts the usual way.
      event.preventDefault();
      var body = textarea.value;
      if (!body.trim()) { textarea.focus(); return; }
      var clientId = uuid4();
      showPending(body, clientId);
      socket.send({type: "message.send", body: body, client_id: clientId});
      textarea.value = "";
      showError("");
      textarea.focus();
    });
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - typingSent > 2000 && socket.send({type: "typing"})) { typingSent = now; }
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  list.addEventListener("click", function (event) {
    var link = event.target.closest(".room-message__delete");
    if (!link || !socket.isOpen()) { return; }  // Else the confirmation page.
    event.preventDefault();
    var id = Number(link.closest(".room-message").dataset.id);
    if (id && window.confirm(strings.confirm_delete)) { socket.send({type: "message.delete", id: id}); }
  });

  if (older) {
    older.addEventListener("click", function (event) {
      var first = list.querySelector(".room-message[data-id]:not([data-id=''])");
      if (!first || !socket.isOpen()) { return; }  // Else the older page over HTTP.
      event.preventDefault();
      socket.send({type: "history.before", before: Number(first.dataset.id)});
    });
  }
}());
