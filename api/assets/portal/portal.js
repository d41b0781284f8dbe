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

// R-SIGN step 2: the rectangle drawn with the mouse (or a finger) on the image fills the four
// number fields; the fields stay the way to do it with the keyboard, and typing in them moves
// the drawn box. Coordinates are the image's own pixels, whatever size it is shown at.
const cutter = document.getElementById("cutter");
if (cutter) {
  const image = cutter.querySelector("img");
  const box = cutter.querySelector(".cut-box");
  const field = (name) => document.getElementById(`rect-${name}`);
  const scale = () => image.naturalWidth / image.getBoundingClientRect().width;
  const draw = () => {
    const [x, y, w, h] = ["x", "y", "width", "height"].map((n) => Number(field(n).value));
    if (!(w > 0 && h > 0)) {
      box.hidden = true;
      return;
    }
    const s = scale();
    Object.assign(box.style, {
      left: `${x / s}px`,
      top: `${y / s}px`,
      width: `${w / s}px`,
      height: `${h / s}px`,
    });
    box.hidden = false;
  };
  const at = (event) => {
    const r = image.getBoundingClientRect();
    const s = scale();
    const clamp = (v, max) => Math.round(Math.min(Math.max(v, 0), max));
    return [
      clamp((event.clientX - r.left) * s, image.naturalWidth),
      clamp((event.clientY - r.top) * s, image.naturalHeight),
    ];
  };
  let start = null;
  const set = (a, b) => {
    field("x").value = Math.min(a[0], b[0]);
    field("y").value = Math.min(a[1], b[1]);
    field("width").value = Math.abs(a[0] - b[0]);
    field("height").value = Math.abs(a[1] - b[1]);
    draw();
  };
  cutter.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    cutter.setPointerCapture(event.pointerId);
    start = at(event);
    set(start, start);
  });
  cutter.addEventListener("pointermove", (event) => {
    if (start) set(start, at(event));
  });
  const end = (event) => {
    if (!start) return;
    set(start, at(event));
    start = null;
  };
  cutter.addEventListener("pointerup", end);
  cutter.addEventListener("pointercancel", () => {
    start = null;
  });
  for (const name of ["x", "y", "width", "height"]) field(name).addEventListener("input", draw);
  if (image.complete) draw();
  else image.addEventListener("load", draw);
  window.addEventListener("resize", draw);
}
