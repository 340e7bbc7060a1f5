"""A headless Chromium driven over its DevTools pipe (no Node, no Python package): it loads a
page from a string with JavaScript off and every network request refused, and prints it.

Chromium started with --remote-debugging-pipe reads DevTools protocol commands from file
descriptor 3 and writes replies and events to descriptor 4, each a JSON text ended by NUL.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import tempfile
from typing import Any

log = logging.getLogger("nenprofile")

COMMAND_FD, REPLY_FD = 3, 4
FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--no-sandbox",  # our own escaped HTML, scripts off, no network; root in containers
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    # start-up work a printer has no use for (crash reporting, metrics, field trials, spare
    # renderers, background timers): together about 6 % less CPU per browser start (3 prints
    # per start: 3.38 against 3.58 CPU-s, medians of 5 interleaved runs); the PDFs are the same
    "--renderer-process-limit=1",
    "--disable-site-isolation-trials",
    # The omnibox popup features: headless Chromium otherwise loads (and tears down again) the
    # omnibox popup's WebUI page in a renderer of its own for every page it is given, about
    # 0.2 CPU-s of a cohort report's 0.9 (Chromium 156: chrome://omnibox-popup.top-chrome)
    "--disable-features=SpareRendererForSitePerProcess,PaintHolding,BackForwardCache,"
    "OptimizationHints,Translate,MediaRouter,InterestFeedContentSuggestions,"
    "CalculateNativeWinOcclusion,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-field-trial-config",
    "--metrics-recording-only",
    "--no-pings",
    "--disable-hang-monitor",
    "--disable-renderer-backgrounding",
    "--disable-background-timer-throttling",
)


def profile_parent() -> str | None:
    """Where the browser's throw-away profile goes: memory-backed /dev/shm where there is one.
    Chromium syncs its profile databases to disk as it starts, and deleting them after a
    print waited for those syncs: 0.1-0.3 s per job on a busy disk, ~2 MB of memory here."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


class ChromiumError(RuntimeError):
    """Chromium exited, stopped answering, or refused a command."""


class ChromiumStartError(ChromiumError):
    """Chromium exited or did not answer before its first page: no report can be printed."""


class DevToolsPipe:
    """One Chromium process and its DevTools pipe."""

    def __init__(self, executable: str, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._profile = tempfile.TemporaryDirectory(
            prefix="nenprofile-chromium-", dir=profile_parent()
        )
        commands_read, self._commands = os.pipe()
        self._replies, replies_write = os.pipe()

        def wire_pipes() -> None:  # in the child, before exec
            os.dup2(commands_read, COMMAND_FD)
            os.dup2(replies_write, REPLY_FD)

        self._stderr = os.path.join(self._profile.name, "stderr.log")
        try:
            with open(self._stderr, "wb") as stderr:
                self._process = subprocess.Popen(
                    [executable, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    # TZ: Skia writes the PDF date stamp in local time; in UTC its width is fixed
                    env={**os.environ, "TZ": "UTC"},
                    pass_fds=(COMMAND_FD, REPLY_FD),
                    preexec_fn=wire_pipes,
                    # its own process group: close() ends the browser and all its helpers
                    start_new_session=True,
                )
        except OSError as error:
            for fd in (self._commands, self._replies):
                os.close(fd)
            self._profile.cleanup()
            raise ChromiumError(f"cannot start {executable}: {error.strerror}") from error
        finally:
            os.close(commands_read)
            os.close(replies_write)
        self._buffer = b""
        self._next_id = 0
        self._early_replies: dict[int, dict[str, Any]] = {}
        self._unawaited: set[int] = set()
        self.on_event: dict[str, Any] = {}

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its reply, handing events to `on_event` meanwhile."""
        return self.reply(self.request(method, session, **params), method)

    def request(self, method: str, session: str | None = None, **params: Any) -> int:
        """Send one command without waiting; its id, for `reply`."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.send(message)
        return self._next_id

    def reply(self, wanted: int, method: str) -> dict[str, Any]:
        """The result of command `wanted` (sent as `method`), waited for; events are handed
        to `on_event` meanwhile, replies to other commands kept until asked for."""
        reply = self._early_replies.pop(wanted, None)
        while reply is None:
            message = self._read()
            if message.get("id") == wanted:
                reply = message
            elif message.get("id") in self._unawaited:
                self._unawaited.discard(message["id"])
            elif "id" in message:
                self._early_replies[message["id"]] = message
            else:
                handler = self.on_event.get(message.get("method", ""))
                if handler is not None:
                    handler(message.get("params", {}), message.get("sessionId"))
        if "error" in reply:
            raise ChromiumError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data) :]
        except BrokenPipeError as error:
            raise self.exited() from error

    def notify(self, method: str, session: str | None = None, **params: Any) -> None:
        """Send a command whose reply is not waited for (answering an event)."""
        self._unawaited.add(self.request(method, session, **params))

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._replies], [], [], self.timeout_s)
            chunk = os.read(self._replies, 1 << 20) if ready else b""
            if not chunk:
                raise (
                    self.exited()
                    if ready
                    else ChromiumError(f"no answer in {self.timeout_s:.0f} s")
                )
            self._buffer += chunk
        text, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(text)

    def exited(self) -> ChromiumError:
        """The error for a Chromium that went away, with its exit status and last message."""
        try:
            status = self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            status = None
        with open(self._stderr, "rb") as stderr:
            lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
        last = f"; its last message: {lines[-1][:300]}" if lines else ""
        return ChromiumError(f"Chromium exited (status {status}){last}")

    def close(self) -> None:
        """End the browser and its helper processes at once. Every PDF has been read from the
        pipe by then, and an orderly Browser.close waited about 0.5 s for Chromium to save a
        profile that is deleted next."""
        try:
            if self._process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        finally:
            os.close(self._commands)
            os.close(self._replies)
            self._profile.cleanup()


class HeadlessPage:
    """One tab of `pipe`'s Chromium: scripts off, every request refused (and logged)."""

    def __init__(self, pipe: DevToolsPipe, created: int | None = None) -> None:
        """`created`: the id of a Target.createTarget already sent (`request_tab`)."""
        self._pipe = pipe
        created = created or request_tab(pipe)
        target = pipe.reply(created, "Target.createTarget")["targetId"]
        self._session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        pipe.on_event["Fetch.requestPaused"] = self._refuse
        # sent together, answered in order (one session runs its commands in turn)
        sent = [
            (method, pipe.request(method, self._session, **params))
            for method, params in (
                ("Emulation.setScriptExecutionDisabled", {"value": True}),
                ("Fetch.enable", {"patterns": [{"urlPattern": "*"}]}),
                ("Page.enable", {}),
                # the page is only ever printed: laid out for print media from the start, the
                # first (screen) layout after loading is not thrown away by printToPDF's
                ("Emulation.setEmulatedMedia", {"media": "print"}),
                ("Page.getFrameTree", {}),
            )
        ]
        frames = [pipe.reply(wanted, method) for method, wanted in sent][-1]
        self._frame = frames["frameTree"]["frame"]["id"]
        # the setDocumentContent and printToPDF commands of the page being printed
        self._printing: tuple[int, int] | None = None

    def _refuse(self, params: dict[str, Any], session: str | None) -> None:
        log.warning(
            "nenprofile reports load no external resources: refused %s", params["request"]["url"]
        )
        self._pipe.notify(
            "Fetch.failRequest",
            session,
            requestId=params["requestId"],
            errorReason="BlockedByClient",
        )

    def print_pdf(self, html: str) -> bytes:
        """`html` as a PDF in the page's CSS page size, backgrounds printed."""
        self.start_printing(html)
        return self.printed()

    def start_printing(self, html: str) -> None:
        """Load `html` and ask for its PDF without waiting for it: the caller prepares the
        next page while Chromium prints this one. One page at a time: collect it (`printed`)
        before the next."""
        if self._printing is not None:
            raise ChromiumError("a page is being printed: collect its PDF first")
        loaded = self._pipe.request(
            "Page.setDocumentContent", self._session, frameId=self._frame, html=html
        )
        printing = self._pipe.request(
            "Page.printToPDF",
            self._session,
            preferCSSPageSize=True,
            printBackground=True,
            generateTaggedPDF=False,
        )
        self._printing = (loaded, printing)

    def printed(self) -> bytes:
        """The PDF of the page `start_printing` was given, waited for."""
        if self._printing is None:
            raise ChromiumError("no page is being printed")
        (loaded, wanted), self._printing = self._printing, None
        self._pipe.reply(loaded, "Page.setDocumentContent")
        return base64.b64decode(self._pipe.reply(wanted, "Page.printToPDF")["data"])


def request_tab(pipe: DevToolsPipe) -> int:
    """Ask for a new tab without waiting: sent as soon as the browser is launched, the tab
    (and its renderer process) is made while the caller works; HeadlessPage awaits it."""
    return pipe.request("Target.createTarget", url="about:blank")
