/**
 * A process that `npm start` started stops when `npm start` is gone, however it went (kill -9 included), so
 * that nothing is left holding the ports and the data: `npm start` names itself in LEDGER_PARENT_PID, and
 * the child checks once a second that it is still its parent. `npm start` itself watches npm the same way.
 */
export function stopWhenParentGone(stop: (reason: string) => void, parent = Number(process.env.LEDGER_PARENT_PID), everyMs = 1_000): void {
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop("parent gone");
    }
  }, everyMs);
  timer.unref();
}
