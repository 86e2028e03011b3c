/* Live "who is editing" on a resource's pages (community.consumers_resources).
 *
 * The element #editing-presence carries the websocket path, the revision the page shows and
 * its texts (translated by the server). On the edit page (data-mode="editing") the script
 * announces that this person is editing; on both pages it lists the other co-authors who are
 * editing ("Claire Martin is editing this resource."), and when one of them saves a newer
 * revision it says so: the open editor is then stale, and its save will come back as the
 * conflict page, to merge. Without JavaScript (or without a connection) nothing is shown and
 * the pages work as they are; conflicts are caught by the server in any case.
 */
(function () {
  "use strict";

  var element = document.getElementById("editing-presence");
  if (!element || !window.CampusSocket) { return; }
  var data = element.dataset;
  var me = String(data.userId);
  var baseRevision = parseInt(data.baseRevision, 10) || 0;
  var editors = {};  // connection id → {id, name}
  var list = document.createElement("p");
  var stale = document.createElement("div");
  // DSFR's badges and alerts set their own display, which beats the hidden attribute: the
  // classes are only given while there is something to show.
  var BADGE = "fr-badge fr-badge--info fr-badge--no-icon community-editing";
  list.hidden = true;
  stale.hidden = true;
  element.appendChild(list);
  element.appendChild(stale);

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return values[key] === undefined ? match : values[key];
    });
  }

  function render() {
    var names = [];
    Object.keys(editors).forEach(function (connection) {
      var person = editors[connection];
      // Another tab of one's own is not someone else editing.
      if (String(person.id) !== me && names.indexOf(person.name) === -1) { names.push(person.name); }
    });
    list.hidden = names.length === 0;
    list.className = list.hidden ? "" : BADGE;
    list.textContent = names.length === 0 ? "" : format(
      names.length === 1 ? data.textOne : data.textMany, {names: names.join(", ")}
    );
  }

  function saved(event) {
    if (event.revision <= baseRevision) { return; }
    stale.className = "fr-alert fr-alert--warning fr-alert--sm fr-mt-1w";
    stale.setAttribute("role", "alert");
    stale.textContent = "";
    var text = document.createElement("p");
    text.textContent = format(data.textSaved, {name: event.author, number: event.revision});
    stale.appendChild(text);
    stale.hidden = false;
  }

  var socket = new window.CampusSocket(data.wsPath, {
    ping: {type: "ping"},
    onopen: function () {
      // Those listed before a drop are asked again: forget them, they will answer.
      editors = {};
      render();
      if (data.mode === "editing") { socket.send({type: "editing"}); }
    },
    onmessage: function (event) {
      if (event.type === "presence") {
        if (event.state === "editing") {
          editors[event.connection] = event.user;
        } else {
          delete editors[event.connection];
        }
        render();
      } else if (event.type === "saved") {
        saved(event);
      }
    },
    onretry: function () {
      editors = {};
      render();
    }
  });
}());
