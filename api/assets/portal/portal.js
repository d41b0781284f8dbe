// The portal works without this script; it only makes the session countdown live and moves
// the focus to a form's errors. The countdown is honest: it asks the server how long the
// session has left (a read that does not extend it) every few seconds and before it leaves.
const timer = document.getElementById("countdown");
// How often the countdown asks the server (another tab may have extended the session, or
// the session may have been ended elsewhere).
const RESYNC_SECONDS = 10;

function show(seconds) {
  const s = Math.max(0, seconds);
  timer.textContent = `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  timer.dataset.seconds = String(s);
}

async function secondsLeft() {
  try {
    const answer = await fetch("/session/left", { credentials: "same-origin", cache: "no-store" });
    if (!answer.ok) return null;
    return (await answer.json()).secondsLeft;
  } catch {
    return null;
  }
}

if (timer) {
  let left = Number(timer.dataset.seconds);
  let ticks = 0;
  const tick = async () => {
    left -= 1;
    ticks += 1;
    if (left <= 0 || ticks % RESYNC_SECONDS === 0) {
      const server = await secondsLeft();
      if (server !== null) left = server;
      if (left <= 0) {
        window.location.assign(timer.dataset.expired);
        return;
      }
    }
    show(left);
    setTimeout(tick, 1000);
  };
  show(left);
  setTimeout(tick, 1000);
}

const errors = document.getElementById("errors");
if (errors) errors.focus();
