import { useEffect, useRef, useState } from "preact/hooks";

import type { MessageKey } from "../../i18n/catalogue";
import { useI18n } from "../../i18n/i18n";
import { parseClaimLink, type ClaimLink } from "./claim-link";

type ScanState = { status: "idle" } | { status: "starting" } | { status: "scanning"; notInvoice: boolean } | { status: "failed"; reason: MessageKey };

/** Why the camera could not be used, in words (DOMException names of getUserMedia). */
function reasonOf(error: unknown): MessageKey {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "employee.scan.denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "employee.scan.noCamera";
  if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return "employee.scan.busy";
  return "employee.scan.failed";
}

/** Frames are decoded at most this often: enough to feel instant, without heating a phone. */
const INTERVAL_MS = 150;
/** Frames are scaled down to at most this width before decoding (a printed QR code still has big modules). */
const MAX_WIDTH = 800;

/**
 * Scans an invoice's QR code with the device's camera (the back camera on a phone): frames drawn to a canvas,
 * decoded with jsQR (loaded only when the camera is opened), until a code that is an invoice's verification
 * address is seen. The camera stops as soon as one is found, when the person closes it, when the page is
 * hidden, and when they leave the page.
 */
export function QrScanner({ onFound }: { onFound(link: ClaimLink): void }) {
  const { t } = useI18n();
  const [state, setState] = useState<ScanState>({ status: "idle" });
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  const timer = useRef<number | undefined>(undefined);
  const onFoundRef = useRef(onFound);
  onFoundRef.current = onFound;

  function stop(next: ScanState = { status: "idle" }) {
    if (timer.current !== undefined) window.clearTimeout(timer.current);
    timer.current = undefined;
    stream.current?.getTracks().forEach((track) => track.stop());
    stream.current = undefined;
    if (video.current !== null) video.current.srcObject = null;
    setState(next);
  }

  async function start() {
    if (navigator.mediaDevices?.getUserMedia === undefined) {
      // Browsers offer the camera only to secure pages (https, or this machine).
      setState({ status: "failed", reason: window.isSecureContext ? "employee.scan.unsupported" : "employee.scan.insecure" });
      return;
    }
    setState({ status: "starting" });
    try {
      const [media, { default: jsQR }] = await Promise.all([navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }), import("jsqr")]);
      const element = video.current;
      if (element === null) {
        media.getTracks().forEach((track) => track.stop());
        return;
      }
      stream.current = media;
      element.srcObject = media;
      await element.play();
      setState({ status: "scanning", notInvoice: false });
      const canvas = document.createElement("canvas");
      const context = canvas.getContext("2d", { willReadFrequently: true });
      const tick = () => {
        if (stream.current !== media || context === null) return;
        if (element.readyState >= element.HAVE_CURRENT_DATA && element.videoWidth > 0) {
          const scale = Math.min(1, MAX_WIDTH / element.videoWidth);
          canvas.width = Math.round(element.videoWidth * scale);
          canvas.height = Math.round(element.videoHeight * scale);
          context.drawImage(element, 0, 0, canvas.width, canvas.height);
          const frame = context.getImageData(0, 0, canvas.width, canvas.height);
          const code = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: "dontInvert" });
          if (code !== null) {
            const link = parseClaimLink(code.data);
            if (link !== undefined) {
              stop();
              onFoundRef.current(link);
              return;
            }
            setState({ status: "scanning", notInvoice: true });
          }
        }
        timer.current = window.setTimeout(tick, INTERVAL_MS);
      };
      tick();
    } catch (error) {
      stop({ status: "failed", reason: reasonOf(error) });
    }
  }

  useEffect(() => {
    const hidden = () => document.visibilityState === "hidden" && stop();
    document.addEventListener("visibilitychange", hidden);
    return () => {
      document.removeEventListener("visibilitychange", hidden);
      stop();
    };
    // The stop of the last render is the one that holds the stream (refs): once, on leaving.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const open = state.status === "starting" || state.status === "scanning";
  return (
    <div class="employee-scanner" data-testid="scanner" data-status={state.status}>
      <div class="employee-viewfinder" hidden={!open}>
        <video ref={video} muted playsInline aria-label={t("employee.scan.video")} />
        <span class="employee-viewfinder-frame" aria-hidden="true" />
      </div>
      <p role="status" aria-live="polite" class="employee-scan-status">
        {state.status === "starting" ? t("employee.scan.starting") : state.status === "scanning" ? (state.notInvoice ? t("employee.scan.notInvoice") : t("employee.scan.aim")) : ""}
      </p>
      {state.status === "failed" ? (
        <div class="notice notice-error" role="alert" data-reason={state.reason}>
          <p class="notice-title">{t(state.reason)}</p>
          <p>{t("employee.scan.typeInstead")}</p>
        </div>
      ) : null}
      {open ? (
        <button type="button" class="button" onClick={() => stop()}>
          {t("employee.scan.stop")}
        </button>
      ) : (
        <button type="button" class="button button-primary" onClick={() => void start()}>
          {t("employee.scan.start")}
        </button>
      )}
    </div>
  );
}
