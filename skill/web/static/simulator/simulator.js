// The simulator page: a chat with the skill and the device's AudioPlayer.
// The server resolves utterances and builds every request; this page only keeps the
// device state it is handed, shows each turn and plays the clips the skill points at.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const chat = $("chat");
  const playerAudio = $("player-audio");
  const ACTIVITY = {
    IDLE: "Nothing playing",
    PLAYING: "Playing",
    STOPPED: "Paused",
    PAUSED: "Paused",
    FINISHED: "Finished",
    BUFFER_UNDERRUN: "Buffering",
  };

  let state = null; // the device's state (session and player), as the server last returned it
  let pending = Promise.resolve(); // requests go one at a time, in order
  let speaking = []; // answer clips (and quiet spaces) queued to play aloud
  let quietTimer = null; // the countdown of a quiet space in an answer
  let playingSpace = false; // the player's stream is a guided reflection's space to think

  function post(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(async (reply) => {
      const data = await reply.json().catch(() => ({}));
      if (!reply.ok) {
        throw new Error(data.error || `The server answered with status ${reply.status}.`);
      }
      return data;
    });
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function offsetMs() {
    return Math.round((playerAudio.currentTime || 0) * 1000);
  }

  // Every action goes through here: same device state, same order, one at a time. Focus
  // stays where the person acted (the message box, a button) and is never lost to the page.
  function act(path, body) {
    const actedFrom = document.activeElement;
    pending = pending
      .then(() => {
        setStatus("Waiting for the skill…");
        return post(path, {
          ...body,
          state,
          device: $("device").value,
          locale: $("locale").value,
          offset_ms: offsetMs(),
        });
      })
      .then(apply)
      .catch((error) => {
        setStatus("");
        addLine("error", error.message);
      })
      .then(() => keepFocus(actedFrom));
    return pending;
  }

  function keepFocus(actedFrom) {
    const lost = !document.activeElement || document.activeElement === document.body;
    if (!lost) return;
    const target = actedFrom && actedFrom !== document.body && actedFrom.isConnected
      ? actedFrom
      : $("utterance");
    target.focus({ preventScroll: true });
  }

  // The newest line in view above the sticky message box (its height is kept in the CSS as
  // --say-height for scroll-margin-bottom); a line taller than the room shows its start.
  function reveal(line) {
    const room = window.innerHeight - $("say").offsetHeight;
    const tall = line.getBoundingClientRect().height > room - 16;
    line.scrollIntoView({ block: tall ? "start" : "nearest" });
  }

  function trackMessageBoxHeight() {
    const box = $("say");
    const keep = () => {
      document.documentElement.style.setProperty("--say-height", `${box.offsetHeight}px`);
    };
    keep();
    if (window.ResizeObserver) new ResizeObserver(keep).observe(box);
  }

  function say(text) {
    const words = text.trim();
    if (!words) return;
    const line = element("li", "you");
    line.append(element("span", "who", "You"), element("p", "words", words));
    chat.append(line);
    reveal(line);
    act("/simulator/say", { utterance: words });
  }

  function press(button) {
    addLine("you event", `You pressed ${button} on the device.`);
    act("/simulator/event", { event: button });
  }

  function addLine(className, text) {
    const line = element("li", className, text);
    chat.append(line);
    reveal(line);
  }

  function apply(reply) {
    state = reply.state;
    stopSpeaking();
    let last = null;
    const clips = [];
    for (const turn of reply.turns) {
      last = renderTurn(turn, clips) || last;
    }
    if (last) reveal(last);
    announce(reply.turns);
    // The device reports PlaybackStarted each time it obeys a Play directive.
    const replayed = reply.turns.some((turn) => turn.request === "AudioPlayer.PlaybackStarted");
    const started = updatePlayer(state.player, reply.labels, replayed);
    setStatus(state.session.open ? "The skill is listening." : "The session is closed.");
    if ($("aloud").checked && !started) speak(clips);
  }

  // What Alexa said in the newest answers, read once by screen readers; the crisis lines as
  // an alert, so they are heard before anything else.
  function announce(turns) {
    const words = (turn) => turn.speech
      .map((segment) => segment.kind === "text" ? segment.text
        : segment.kind === "audio" ? `Playing ${segment.label}.` : "")
      .join(" ");
    const crisis = turns.filter((turn) => turn.crisis).map(words).join(" ");
    const said = turns.filter((turn) => !turn.crisis).map(words).join(" ").trim();
    $("crisis-announcer").textContent = crisis;
    $("answer-announcer").textContent = said ? `Alexa: ${said}` : "";
  }

  function renderTurn(turn, clips) {
    const said = turn.speech.length || turn.reprompt.length || turn.card || turn.directives.length;
    if (!said) {
      addLine("event", `Device sent ${turn.request}; the skill answered with nothing to show.`);
      return null;
    }
    const line = element("li", turn.crisis ? "skill crisis" : "skill");
    line.append(element("span", "who", turn.speech.length ? "Alexa" : "Skill"));
    line.append(element("p", "heard", `Request: ${turn.request}`));
    if (turn.speech.length) line.append(speechBlock(turn.speech, clips));
    // A crisis answer's reprompt and card repeat its lines: shown once, the rest folded away.
    const extras = turn.crisis ? element("details", "also") : line;
    if (turn.crisis) {
      extras.append(element("summary", "", "The reprompt and the Alexa app card (the same lines)"));
      line.append(extras);
    }
    if (turn.reprompt.length) {
      const reprompt = element("div", "reprompt");
      reprompt.append(element("span", "label", "If you say nothing: "));
      reprompt.append(speechBlock(turn.reprompt, null));
      extras.append(reprompt);
    }
    if (turn.card) {
      const card = element("div", "card");
      card.append(element("strong", "", turn.card.title), element("p", "", turn.card.text));
      extras.append(card);
    }
    if (turn.directives.length) {
      const list = element("ul", "directives");
      for (const directive of turn.directives) list.append(element("li", "", directive));
      line.append(list);
    }
    const raw = element("details", "raw");
    raw.append(element("summary", "", "Request and response JSON"));
    raw.append(element("pre", "", JSON.stringify({ request: turn.envelope, response: turn.response }, null, 2)));
    line.append(raw);
    chat.append(line);
    return line;
  }

  function speechBlock(segments, clips) {
    const block = element("div", "speech");
    for (const segment of segments) {
      if (segment.kind === "text") {
        block.append(element("p", "words", segment.text));
        continue;
      }
      if (segment.kind === "quiet") {
        const quiet = element("p", "quiet", quietText(segment.seconds));
        block.append(quiet);
        if (clips) clips.push({ quiet: segment.seconds, node: quiet });
        continue;
      }
      const figure = element("figure", "clip");
      const caption = element("figcaption", "", segment.label);
      const audio = element("audio");
      audio.controls = true;
      audio.preload = "metadata";
      audio.src = segment.url;
      audio.setAttribute("aria-label", `Clip: ${segment.label}`);
      const line = element("p", "caption-line");
      figure.append(caption, audio, line);
      showCaptions(audio, segment.captions, line);
      block.append(figure);
      if (clips) clips.push(audio);
    }
    return block;
  }

  // A clip's WebVTT captions, shown a sentence at a time as it plays (the track stays hidden:
  // an <audio> element has nowhere to draw it).
  function showCaptions(audio, url, line) {
    for (const old of audio.querySelectorAll("track")) old.remove();
    line.textContent = "";
    if (!url) return;
    const track = element("track");
    track.kind = "captions";
    track.srclang = "en";
    track.label = "English";
    track.src = url;
    audio.append(track);
    track.track.mode = "hidden";
    track.track.addEventListener("cuechange", () => {
      const cues = track.track.activeCues;
      line.textContent = cues && cues.length ? cues[0].text.replace(/<[^>]*>/g, "") : "";
    });
  }

  function clock(seconds) {
    const whole = Math.max(0, Math.ceil(seconds));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }

  function quietText(seconds) {
    return `Quiet, to think: ${clock(seconds)}`;
  }

  // A quiet space in an answer: wait it out, counting down, then go on.
  function waitQuietly(item, then) {
    const ends = Date.now() + item.quiet * 1000;
    item.node.classList.add("counting");
    const tick = () => {
      const left = (ends - Date.now()) / 1000;
      item.node.textContent = quietText(left);
      if (left > 0) return;
      clearInterval(quietTimer);
      quietTimer = null;
      item.node.classList.remove("counting");
      then();
    };
    quietTimer = setInterval(tick, 250);
    tick();
  }

  // Answers with clips play one after another, as a device would speak them; a stream that
  // was playing waits, as a device lowers its music to answer, and carries on afterwards.
  function speak(clips) {
    speaking = clips.slice();
    const waiting = speaking.length > 0 && !playerAudio.paused;
    if (waiting) playerAudio.pause();
    const next = () => {
      const audio = speaking.shift();
      if (!audio) {
        if (waiting && state && state.player.activity === "PLAYING") {
          playerAudio.play().catch(() => {});
        }
        return;
      }
      if (audio.quiet !== undefined) {
        waitQuietly(audio, next);
        return;
      }
      audio.addEventListener("ended", next, { once: true });
      audio.play().catch(() => {
        speaking = [];
        next();
      });
    };
    next();
  }

  function stopSpeaking() {
    for (const audio of chat.querySelectorAll(".clip audio")) audio.pause();
    if (quietTimer) clearInterval(quietTimer);
    quietTimer = null;
    speaking = [];
  }

  // Shows the device's player; `replayed` when the device obeyed a Play directive, which
  // starts from its offset even for the stream already playing (Repeat on a one-part section).
  // Returns true when a stream (re)started, so answer clips do not talk over it.
  function updatePlayer(player, labels, replayed) {
    $("player-state").textContent = ACTIVITY[player.activity] || player.activity;
    $("now-playing").textContent = labels.current || "";
    playingSpace = Boolean(labels.space) && player.activity === "PLAYING";
    showSpace();
    const queue = $("queue");
    queue.replaceChildren();
    for (const label of labels.queue) queue.append(element("li", "", label));
    if (!labels.queue.length) queue.append(element("li", "subtle", "Nothing queued"));
    if (!player.current || player.activity !== "PLAYING") {
      playerAudio.pause();
      return false;
    }
    const fresh = playerAudio.dataset.token !== player.current.token;
    if (!fresh && !replayed && !playerAudio.paused) return false;
    if (fresh) {
      playerAudio.dataset.token = player.current.token;
      playerAudio.src = player.current.url;
      showCaptions(playerAudio, labels.captions, $("player-caption"));
    }
    if (fresh || replayed) {
      const seconds = player.offset_ms / 1000;
      const seek = () => {
        playerAudio.currentTime = seconds;
      };
      if (playerAudio.readyState >= 1) seek();
      else playerAudio.addEventListener("loadedmetadata", seek, { once: true });
    }
    playerAudio.play().catch(() => {
      setStatus("The browser blocked playback: press Resume to start it.");
    });
    return true;
  }

  // The player's space to think, counted down from the stream's own position.
  function showSpace() {
    const countdown = $("space-countdown");
    countdown.hidden = !playingSpace;
    if (!playingSpace) return;
    const left = (playerAudio.duration || 0) - (playerAudio.currentTime || 0);
    countdown.textContent = Number.isFinite(left) && playerAudio.duration
      ? `Space to think: ${clock(left)} left`
      : "Space to think";
  }

  playerAudio.addEventListener("timeupdate", showSpace);
  playerAudio.addEventListener("loadedmetadata", showSpace);
  playerAudio.addEventListener("ended", () => act("/simulator/event", { event: "finished" }));
  playerAudio.addEventListener("error", () => {
    if (playerAudio.getAttribute("src")) act("/simulator/event", { event: "failed" });
  });

  function restart(reason) {
    state = null;
    stopSpeaking();
    playerAudio.pause();
    playerAudio.removeAttribute("src");
    delete playerAudio.dataset.token;
    showCaptions(playerAudio, null, $("player-caption"));
    updatePlayer({ activity: "IDLE", current: null }, { current: null, queue: [], space: false }, false);
    const device = $("device").selectedOptions[0];
    addLine("event", `${reason} on ${device ? device.textContent : "a device"}, ${$("locale").value}.`);
  }

  function buttons(container, items) {
    for (const item of items) {
      const button = element("button", "", item.label);
      button.type = "button";
      button.addEventListener("click", () => say(item.utterance));
      container.append(button);
    }
  }

  function setUp(setup) {
    $("skill-name").textContent = setup.name;
    document.title = `${setup.name} simulator`;
    for (const device of setup.devices) {
      $("device").append(new Option(device.label, device.id, false, device.id === setup.device));
    }
    for (const locale of setup.locales) {
      $("locale").append(new Option(locale, locale, false, locale === setup.locale));
    }
    $("utterance").placeholder = setup.placeholder;
    buttons($("phrases"), setup.phrases);
    buttons($("topics"), setup.topics);
    restart("A new conversation");
  }

  $("say").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = $("utterance");
    say(input.value);
    input.value = "";
    input.focus();
  });
  for (const button of document.querySelectorAll("[data-button]")) {
    button.addEventListener("click", () => press(button.dataset.button));
  }
  $("restart").addEventListener("click", () => restart("A new conversation"));
  $("device").addEventListener("change", () => restart("Switched device: a new conversation"));
  $("locale").addEventListener("change", () => restart("Switched locale: a new conversation"));

  trackMessageBoxHeight();
  fetch("/simulator/setup")
    .then((reply) => reply.json())
    .then(setUp)
    .catch(() => addLine("error", "Could not load the simulator's settings; reload the page."));
})();
