/*
 * Campus: the learner's viewing of a step's uploaded videos, as xAPI Video Profile events
 * (https://w3id.org/xapi/video): played, paused, seeked and completed.
 *
 * templates/courses/step_page.html loads this file (defer, no inline script: the CSP allows
 * our own static files only) for a learner following the module, on a step with an uploaded
 * video. Each <video data-video-id data-events-url> is tracked, and each event is posted as
 * JSON to its data-events-url (courses/views_video.py), which records the statement.
 *
 * Videos embedded from another site (PeerTube, YouTube, Vimeo…) play in that site's iframe,
 * whose player a page cannot observe across origins: they are NOT tracked.
 *
 * Nothing here may get in the way of playback: handlers catch their own errors, a request
 * that fails is dropped (an event lost is better than a player that stops), and a 403 (the
 * learner left the module, or logged out) ends the tracking of that video.
 */
(() => {
  "use strict";

  // The profile's completion is the author's call; most players say "completed" at 95 %,
  // before the credits, and so does Campus. "ended" completes too, whatever was watched.
  const COMPLETION_THRESHOLD = 0.95;
  // Past this many segments the list is replaced by its union (same progress, fewer bytes):
  // the server accepts 500 and a keep-alive request carries 64 KiB at most.
  const MAX_SEGMENTS = 200;

  const script = document.currentScript;
  if (!window.fetch || !script) {
    return;
  }
  const csrfToken = script.dataset.csrfToken || "";

  // One session per page load (the profile's session-id), shared by the page's videos.
  const sessionId = newSessionId();

  function newSessionId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID exists in secure contexts only (HTTPS, localhost): a version 4 UUID from
    // getRandomValues elsewhere (a test server on a LAN address).
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [0, 8, 12, 16, 20]
      .map((start, i, starts) => hex.slice(start, starts[i + 1]))
      .join("-");
  }

  function seconds(value) {
    return Math.round(value * 1000) / 1000;
  }

  // The union of [start, end] ranges, sorted and merged.
  function union(segments) {
    const sorted = segments.map((s) => s.slice()).sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const segment of sorted) {
      const last = merged[merged.length - 1];
      if (last && segment[0] <= last[1]) {
        last[1] = Math.max(last[1], segment[1]);
      } else {
        merged.push(segment);
      }
    }
    return merged;
  }

  class VideoTracker {
    constructor(video) {
      this.video = video;
      this.url = video.dataset.eventsUrl;
      this.segments = []; // Closed [start, end] ranges, in the order they were watched.
      this.start = null; // Where the range being watched began, while playing.
      this.last = video.currentTime; // Last position known before a seek moves currentTime.
      this.seekFrom = null; // Where the playhead left, between "seeking" and "seeked".
      this.completed = false;
      this.unreported = false; // Watched since the last paused or completed was sent.
      this.stopped = false;
      this.queue = []; // Events waiting for the one in flight: sent in order, one at a time.
      this.sending = false;
      for (const type of ["play", "pause", "seeking", "seeked", "timeupdate", "ended"]) {
        video.addEventListener(type, () => {
          try {
            this[type]();
          } catch (error) {
            // Tracking must never break the player.
          }
        });
      }
      if (!video.paused) {
        this.open(video.currentTime);
      }
    }

    // --- Watched ranges -------------------------------------------------------------------

    open(time) {
      this.start = time;
      this.last = time;
      this.unreported = true;
    }

    close(time) {
      if (this.start !== null && time > this.start) {
        this.segments.push([this.start, time]);
        if (this.segments.length > MAX_SEGMENTS) {
          this.segments = union(this.segments);
        }
      }
      this.start = null;
    }

    // The ranges watched so far, the open one included up to the last known position.
    watched() {
      const segments = this.segments.slice();
      if (this.start !== null && this.last > this.start) {
        segments.push([this.start, this.last]);
      }
      return segments;
    }

    duration() {
      const duration = this.video.duration;
      return Number.isFinite(duration) && duration > 0 ? duration : null;
    }

    progress() {
      const duration = this.duration();
      if (duration === null) {
        return null;
      }
      const seen = union(this.watched()).reduce((total, [from, to]) => total + to - from, 0);
      return Math.min(1, seconds(seen / duration));
    }

    // --- Media events ---------------------------------------------------------------------

    play() {
      const time = this.video.currentTime;
      this.open(time);
      this.send("played", { time });
    }

    pause() {
      const time = this.video.currentTime;
      if (this.seekFrom === null) {
        this.close(time);
        this.last = time;
      }
      this.report("paused", time);
    }

    seeking() {
      // currentTime has already moved: the range watched ends where timeupdate last saw it.
      if (this.seekFrom === null) {
        this.seekFrom = this.last;
        this.close(this.last);
      }
    }

    seeked() {
      const from = this.seekFrom === null ? this.last : this.seekFrom;
      const to = this.video.currentTime;
      this.seekFrom = null;
      this.last = to;
      if (!this.video.paused) {
        this.open(to);
      }
      if (seconds(from) !== seconds(to)) {
        this.send("seeked", { time_from: from, time_to: to });
      }
    }

    timeupdate() {
      if (this.seekFrom !== null || this.video.seeking) {
        return;
      }
      this.last = this.video.currentTime;
      if (!this.completed && this.progress() >= COMPLETION_THRESHOLD) {
        this.report("completed", this.last);
      }
    }

    ended() {
      this.close(this.video.currentTime);
      if (!this.completed) {
        this.report("completed", this.video.currentTime);
      }
    }

    // The page is being left (pagehide): a final paused if something was watched since the
    // last report, sent at once with whatever still waits in the queue.
    leave() {
      if (!this.unreported) {
        return;
      }
      const time = this.video.currentTime;
      const playing = this.start !== null;
      this.close(time);
      this.last = time;
      this.report("paused", time, { now: true });
      if (playing) {
        this.open(time); // Back from the back-forward cache, the range goes on from here.
      }
    }

    // --- Statements -----------------------------------------------------------------------

    // A paused or completed event: the position, the progress and the ranges watched.
    report(event, time, { now = false } = {}) {
      const fields = { time, played_segments: this.watched() };
      const progress = this.progress();
      if (progress !== null) {
        fields.progress = progress;
      }
      if (event === "completed") {
        this.completed = true;
      }
      this.unreported = this.start !== null;
      this.send(event, fields, { now });
    }

    send(event, fields, { now = false } = {}) {
      if (this.stopped) {
        return;
      }
      const body = { event, session_id: sessionId, ...fields };
      const length = this.duration();
      if (length !== null) {
        body.length = length;
      }
      if (body.played_segments) {
        let segments = body.played_segments;
        if (segments.length > MAX_SEGMENTS) {
          segments = union(segments);
        }
        body.played_segments = segments.map(([from, to]) => [seconds(from), seconds(to)]);
      }
      for (const name of ["time", "time_from", "time_to"]) {
        if (name in body) {
          body[name] = seconds(body[name]);
        }
      }
      this.queue.push(body);
      if (now) {
        this.flush();
      } else {
        this.next();
      }
    }

    next() {
      if (this.sending || this.queue.length === 0) {
        return;
      }
      this.sending = true;
      this.post(this.queue.shift()).finally(() => {
        this.sending = false;
        this.next();
      });
    }

    flush() {
      for (const body of this.queue.splice(0)) {
        this.post(body);
      }
    }

    // fetch with keepalive, not navigator.sendBeacon: a beacon cannot carry the X-CSRFToken
    // header that Django's CSRF check reads, and keepalive lets a request outlive the page
    // just as a beacon does (within the same 64 KiB budget).
    post(body) {
      return fetch(this.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
        credentials: "same-origin",
        keepalive: true,
      })
        .then((response) => {
          if (response.status === 403) {
            this.stopped = true; // Not following the module any more, or logged out.
            this.queue.length = 0;
          }
        })
        .catch(() => {
          // Offline, or the page went away: the event is lost, playback goes on.
        });
    }
  }

  const trackers = [];
  for (const video of document.querySelectorAll("video[data-video-id][data-events-url]")) {
    try {
      trackers.push(new VideoTracker(video));
    } catch (error) {
      // A video that cannot be tracked still plays.
    }
  }
  window.addEventListener("pagehide", () => {
    for (const tracker of trackers) {
      try {
        tracker.leave();
      } catch (error) {
        // Leaving the page must not throw either.
      }
    }
  });
})();
