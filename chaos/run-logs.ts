// Every line the function hosts of a chaos run print, in one place, for the secret scan.
export class RunLogs {
  readonly lines: string[] = [];
  readonly sink = (line: string): void => {
    this.lines.push(line);
  };
}
