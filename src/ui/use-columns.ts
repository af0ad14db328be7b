// The terminal's width, following resizes. Ink lays out the live part of the screen to the width by itself, but
// <Static> transcript entries are laid out without a width: given none, long lines came out wider than the window
// and the terminal broke them mid-word. Each entry is given this width so Ink wraps it at word boundaries.
import { useStdout } from "ink";
import { useEffect, useState } from "react";

export function useColumns(): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(() => stdout.columns || 80);
  useEffect(() => {
    const onResize = () => setColumns(stdout.columns || 80);
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return columns;
}
