/* A websocket to Campus that comes back by itself.
 *
 * After a drop it reconnects with exponential back-off (1 s, 2 s, 4 s… up to 30 s) and
 * jitter (each delay drawn between half and all of it, so that a server restart is not
 * followed by every browser knocking at the same instant). It sends a heartbeat every 30 s,
 * which keeps proxies from closing a quiet connection and refreshes the server's presence.
 * The server's refusals (4003: not allowed, 4004: not found) are final: no retry.
 *
 *   var socket = new CampusSocket("/ws/…/", {
 *     ping: {type: "ping"},                 // the heartbeat frame
 *     onopen: function (reconnected) {},    // false the first time
 *     onmessage: function (data) {},        // each JSON frame
 *     onretry: function (delayMs) {},       // dropped; next attempt in delayMs
 *     onclosed: function (code) {}          // refused for good
 *   });
 *   socket.send({type: "…"});               // false when not connected
 */
(function () {
  "use strict";

  var FINAL = [4003, 4004];
  var HEARTBEAT_MS = 30000;
  var MAX_DELAY_MS = 30000;

  function CampusSocket(path, options) {
    this.path = path;
    this.options = options || {};
    this.attempt = 0;
    this.opened = false;
    this.socket = null;
    this.retryTimer = null;
    this.heartbeat = null;
    var self = this;
    // Back online, or back on the tab: no need to wait for the next attempt.
    window.addEventListener("online", function () { self.retryNow(); });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { self.retryNow(); }
    });
    this.connect();
  }

  CampusSocket.prototype.url = function () {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + this.path;
  };

  CampusSocket.prototype.call = function (name, value) {
    if (typeof this.options[name] === "function") { this.options[name](value); }
  };

  CampusSocket.prototype.connect = function () {
    var self = this;
    this.retryTimer = null;
    var socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", function () {
      var reconnected = self.opened;
      self.opened = true;
      self.attempt = 0;
      if (self.options.ping) {
        self.heartbeat = window.setInterval(function () { self.send(self.options.ping); }, HEARTBEAT_MS);
      }
      self.call("onopen", reconnected);
    });
    socket.addEventListener("message", function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (error) { return; }
      self.call("onmessage", data);
    });
    socket.addEventListener("close", function (event) {
      window.clearInterval(self.heartbeat);
      if (self.socket !== socket) { return; }
      self.socket = null;
      if (FINAL.indexOf(event.code) !== -1) {
        self.stopped = true;
        self.call("onclosed", event.code);
        return;
      }
      var base = Math.min(MAX_DELAY_MS, 1000 * Math.pow(2, self.attempt));
      var delay = Math.round(base / 2 + Math.random() * base / 2);
      self.attempt += 1;
      self.call("onretry", delay);
      self.retryTimer = window.setTimeout(function () { self.connect(); }, delay);
    });
  };

  CampusSocket.prototype.retryNow = function () {
    if (this.retryTimer !== null && !this.stopped) {
      window.clearTimeout(this.retryTimer);
      this.connect();
    }
  };

  CampusSocket.prototype.isOpen = function () {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  };

  CampusSocket.prototype.send = function (data) {
    if (!this.isOpen()) { return false; }
    this.socket.send(JSON.stringify(data));
    return true;
  };

  window.CampusSocket = CampusSocket;
}());
