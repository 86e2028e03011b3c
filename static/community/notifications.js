/* Live notifications as DSFR alert toasts, on every page of a logged-in person.
 *
 * Listens on /ws/notifications/ (community.consumers.NotificationConsumer), which relays the
 * `notification.created` events the services send to the person's group after they stored
 * the notification. The toasts sit in the polite live region #campus-toasts (base.html), so
 * screen readers read them; each stays until closed, or 10 s when neither hovered nor
 * focused. The notifications page keeps them all.
 */
(function () {
  "use strict";

  var box = document.getElementById("campus-toasts");
  if (!box || !window.CampusSocket) { return; }
  var STAY_MS = 10000;

  function openUrl(notification) {
    // Through the notifications' own page, which marks it read and follows its link there
    // (the server checks that link is ours).
    return box.dataset.openUrl.replace(/\/0\/$/, "/" + Number(notification.id) + "/");
  }

  function toast(notification) {
    var alert = document.createElement("div");
    alert.className = "fr-alert fr-alert--info fr-alert--sm campus-toast";
    var text = document.createElement("p");
    if (notification.url) {
      var link = document.createElement("a");
      link.href = openUrl(notification);
      link.textContent = notification.text;
      text.appendChild(link);
    } else {
      text.textContent = notification.text;
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "fr-btn--close fr-btn";
    close.title = box.dataset.closeLabel;
    close.textContent = box.dataset.closeLabel;
    close.addEventListener("click", function () { alert.remove(); });
    alert.appendChild(text);
    alert.appendChild(close);
    box.appendChild(alert);
    var timer = null;
    function later() { timer = window.setTimeout(function () { alert.remove(); }, STAY_MS); }
    function hold() { window.clearTimeout(timer); }
    alert.addEventListener("mouseenter", hold);
    alert.addEventListener("focusin", hold);
    alert.addEventListener("mouseleave", later);
    alert.addEventListener("focusout", later);
    later();
  }

  new window.CampusSocket("/ws/notifications/", {
    ping: {type: "ping"},
    onmessage: function (data) {
      if (data.type === "notification.created") { toast(data); }
    }
  });
}());
