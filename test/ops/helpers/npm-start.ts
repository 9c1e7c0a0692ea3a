import { spawn, type ChildProcess } from "node:child_process";

/** `npm start` as a person runs it, in `cwd`, with its output collected; resolves once the banner is printed (or it exited). */
export interface NpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  apiUrl: string;
}

export async function npmStart(cwd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 240_000): Promise<NpmStart> {
  const child = spawn("npm", ["start", "--", ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const banner = await new Promise<boolean>((resolve) => {
    const timer = setInterval(() => {
      if (/is running\./.test(text)) finish(true);
    }, 100);
    const timeout = setTimeout(() => finish(false), timeoutMs);
    void exited.then(() => finish(/is running\./.test(text)));
    function finish(value: boolean) {
      clearInterval(timer);
      clearTimeout(timeout);
      resolve(value);
    }
  });
  const apiUrl = /API\s+(http:\/\/\S+)/.exec(text)?.[1] ?? "";
  if (!banner) child.kill("SIGKILL");
  return { child, output: () => text, exited, apiUrl };
}
