// Live updates for the clinic's pages. Every page works without this file:
// it only keeps what is on screen in step with the server over websockets.
"use strict";

(function () {
  const RETRY_MAX_MS = 15000;

  function socketUrl(path) {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + path;
  }

  // A websocket that reconnects with backoff; onOpen runs after each (re)connect
  // so a page can catch up on what it missed while disconnected.
  function liveSocket(path, onMessage, onOpen) {
    let delay = 500;
    let opened = false;
    function connect() {
      const socket = new WebSocket(socketUrl(path));
      socket.addEventListener("open", function () {
        delay = 500;
        if (onOpen) onOpen(opened);
        opened = true;
      });
      socket.addEventListener("message", function (event) {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        onMessage(message);
      });
      socket.addEventListener("close", function (event) {
        // 4xxx codes are refusals (not signed in, not allowed): do not retry.
        if (event.code >= 4000 && event.code < 5000) return;
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      });
    }
    connect();
  }

  // Re-read the current page and swap in the fresh copy of one region.
  function refreshRegion(selector) {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.text() : null; })
      .then(function (html) {
        if (!html) return;
        const fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
        const current = document.querySelector(selector);
        if (fresh && current) current.replaceWith(fresh);
      })
      .catch(function () {});
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function sameInstant(a, b) {
    return Date.parse(a) === Date.parse(b);
  }

  function formatIn(zone, iso, options) {
    return new Intl.DateTimeFormat("en-GB", Object.assign({ timeZone: zone }, options)).format(new Date(iso));
  }

  // --- A week of free slots -------------------------------------------------

  function initSlots(section) {
    const doctorId = section.dataset.liveSlots;
    const zone = section.dataset.timeZone;
    const status = section.querySelector("[data-live-status]");

    function announce(text) {
      if (status) status.textContent = text;
    }

    function findSlot(start) {
      const items = section.querySelectorAll("li.slot[data-start]");
      for (const item of items) {
        if (sameInstant(item.dataset.start, start)) return item;
      }
      return null;
    }

    function updateEmptyDays() {
      section.querySelectorAll(".day").forEach(function (day) {
        const empty = day.querySelector(".no-slots");
        if (empty) empty.hidden = day.querySelector("li.slot:not(.slot-held)") !== null;
      });
    }

    function describe(start) {
      return formatIn(zone, start, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    }

    function onBooked(message) {
      const item = findSlot(message.start);
      if (!item) return;
      const input = item.querySelector("input");
      const wasChosen = input && input.checked;
      item.remove();
      updateEmptyDays();
      announce(wasChosen
        ? "The time you picked (" + describe(message.start) + ") was just booked by someone else. Please choose another."
        : describe(message.start) + " was just booked.");
    }

    function onHeld(message) {
      const item = findSlot(message.start);
      if (!item) {
        // Not on screen (it was booked, and is now offered to the waiting
        // list): the page lists held slots, so re-read the week.
        refreshDays();
        return;
      }
      item.classList.add("slot-held");
      const input = item.querySelector("input");
      if (input) {
        if (input.checked) {
          announce("The time you picked (" + describe(message.start) + ") is now held for a patient on the waiting list. Please choose another.");
        }
        input.checked = false;
        input.disabled = true;
      }
      const label = item.querySelector("label");
      if (label && !label.querySelector(".held-note")) {
        const note = document.createElement("span");
        note.className = "visually-hidden held-note";
        note.textContent = " (held for a patient on the waiting list)";
        label.appendChild(note);
        if (label.title) label.dataset.freeTitle = label.title;
        label.title = "Held for a patient on the waiting list";
      }
      updateEmptyDays();
    }

    function onReleased(message) {
      const item = findSlot(message.start);
      if (item) {
        item.classList.remove("slot-held");
        const input = item.querySelector("input");
        if (input) input.disabled = false;
        const note = item.querySelector(".held-note");
        if (note) note.remove();
        const label = item.querySelector("label");
        if (label && label.dataset.freeTitle) label.title = label.dataset.freeTitle;
        else if (label) label.removeAttribute("title");
        updateEmptyDays();
        announce(describe(message.start) + " just became free.");
        return;
      }
      // A slot that came free inside the week shown: re-read the week.
      refreshDays().then(function () { announce(describe(message.start) + " just became free."); });
    }

    function refreshDays() {
      const chosen = section.querySelector('input[name="start"]:checked');
      const value = chosen ? chosen.value : null;
      return refreshRegion("[data-live-slots] [data-days]").then(function () {
        if (!value) return;
        const again = section.querySelector('input[name="start"][value="' + CSS.escape(value) + '"]');
        if (again) again.checked = true;
      });
    }

    liveSocket("/ws/doctors/" + doctorId + "/availability/", function (message) {
      if (message.type === "slot.booked") onBooked(message);
      else if (message.type === "slot.held") onHeld(message);
      else if (message.type === "slot.released") onReleased(message);
      else if (message.type === "availability.changed") refreshDays();
    }, function (reconnected) {
      section.dataset.live = "on";
      if (reconnected) refreshDays();
    });
  }

  // --- Personal messages: waitlist offers, queue position -------------------

  function offerDialog(offer) {
    offer.offer_id = Number(offer.offer_id);
    const existing = document.getElementById("offer-" + offer.offer_id);
    if (existing || !offer.offer_id) return;
    const dialog = document.createElement("dialog");
    dialog.id = "offer-" + offer.offer_id;
    dialog.className = "offer-dialog";
    dialog.setAttribute("aria-labelledby", dialog.id + "-title");
    // Until the doctor's zone is known the time reads in the browser's own;
    // the pages show a doctor's times in that doctor's zone, and so does this.
    function whenIn(timeZone) {
      const format = { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" };
      if (timeZone) {
        format.timeZone = timeZone;
        format.timeZoneName = "short";
      }
      return new Date(offer.start).toLocaleString("en-GB", format);
    }
    const when = whenIn(null);
    dialog.innerHTML =
      '<h2 id="' + dialog.id + '-title">A time is free for you</h2>' +
      '<p class="offer-what">' + when + '</p>' +
      '<p class="offer-countdown" aria-live="off">Held for you for <strong data-countdown></strong></p>' +
      '<div class="actions">' +
      '<form method="post" action="/waitlist/offers/' + offer.offer_id + '/accept/"><input type="hidden" name="csrfmiddlewaretoken"><button type="submit" class="button" data-accept>Accept and book</button></form>' +
      '<form method="post" action="/waitlist/offers/' + offer.offer_id + '/decline/"><input type="hidden" name="csrfmiddlewaretoken"><button type="submit" class="button button-secondary">Decline</button></form>' +
      "</div>";
    dialog.querySelectorAll('input[name="csrfmiddlewaretoken"]').forEach(function (input) { input.value = csrfToken(); });
    document.body.appendChild(dialog);

    fetch("/api/v1/doctors/" + offer.doctor_id, { credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (doctor) {
        if (doctor) dialog.querySelector(".offer-what").textContent = doctor.full_name + ", " + whenIn(doctor.time_zone);
      })
      .catch(function () {});

    const countdown = dialog.querySelector("[data-countdown]");
    const expires = Date.parse(offer.expires_at);
    function tick() {
      const left = Math.max(0, Math.round((expires - Date.now()) / 1000));
      countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) {
        window.clearInterval(timer);
        ended("This offer has expired.");
      }
    }
    function ended(text) {
      window.clearInterval(timer);
      dialog.querySelector(".offer-countdown").textContent = text;
      const accept = dialog.querySelector("[data-accept]");
      if (accept) accept.disabled = true;
    }
    const timer = window.setInterval(tick, 1000);
    tick();
    dialog.addEventListener("offer-ended", function (event) { ended(event.detail); });
    dialog.showModal();
  }

  function onPersonal(message) {
    if (message.type === "waitlist.offer") {
      offerDialog(message);
    } else if (message.type === "waitlist.offer_ended") {
      const dialog = document.getElementById("offer-" + message.offer_id);
      if (dialog && message.status !== "accepted") {
        dialog.dispatchEvent(new CustomEvent("offer-ended", { detail: "This offer is no longer open." }));
      }
    } else if (message.type === "queue.position") {
      document.querySelectorAll('[data-queue-position="' + message.appointment_id + '"]').forEach(function (node) {
        node.hidden = false;
        const position = node.querySelector("[data-position]");
        const wait = node.querySelector("[data-wait]");
        if (position) position.textContent = message.position;
        if (wait) wait.textContent = message.estimated_wait_minutes;
      });
    } else if (message.type && message.type.indexOf("appointment.") === 0) {
      const page = document.querySelector("[data-live-appointments]");
      if (page) refreshRegion("[data-live-appointments]");
    }
  }

  // --- A doctor's queue for today -------------------------------------------

  function initQueue(region) {
    liveSocket("/ws/doctors/" + region.dataset.liveQueue + "/queue/", function (message) {
      if (message.type === "queue.updated") refreshRegion("[data-live-queue] [data-queue-rows]");
    }, function (reconnected) {
      region.dataset.live = "on";
      if (reconnected) refreshRegion("[data-live-queue] [data-queue-rows]");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!("WebSocket" in window)) return;
    document.querySelectorAll("[data-live-slots]").forEach(initSlots);
    document.querySelectorAll("[data-live-queue]").forEach(initQueue);
    if (document.body.dataset.signedIn === "yes") {
      liveSocket("/ws/me/", onPersonal, function () { document.body.dataset.live = "on"; });
    }
  });
})();
