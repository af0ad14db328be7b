// Terminal streams for driving runInteractive in-process: stdin takes keys as a TTY would hand them over, stdout
// keeps everything drawn so a test can read the screen.
import { EventEmitter } from "node:events";

export class FakeStdin extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  write(data: string) {
    this.pending = data;
    this.emit("readable");
    this.emit("data", data);
  }
  read() {
    const data = this.pending;
    this.pending = null;
    return data;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

export class FakeStdout extends EventEmitter {
  columns = 100;
  rows = 40;
  output = "";
  write = (chunk: string) => {
    this.output += chunk;
    return true;
  };
}
