// The one table of exit codes (DESIGN rule 8); the CLI maps every result through it.
export const ExitCode = {
  loads: 0,
  diagnosed: 1,
  usage: 2,
  undiagnosed: 3,
  cancelled: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
