// A choice as a select list (arrows or j/k, Enter, or the option's number); options that need consent say so.
// Our own rather than ink-select-input: that one reads the highlighted row from React state, so a key that arrives
// before the re-render (fast typing, a paste) acts on the old row or is lost, and a pasted chunk ("jj\r") arrives
// as one input it does not recognise. Here every key sees the latest row, and a chunk is read key by key.
import { Box, Text, useInput } from "ink";
import { useEffect, useRef, useState } from "react";
import { WrappedText } from "./wrapped-text.js";

export interface ChoiceItem {
  id: string;
  label: string;
  needsConsent?: boolean;
}

export function ChoiceList({ items, onSelect, isFocused = true }: { items: ChoiceItem[]; onSelect: (id: string) => void; isFocused?: boolean }) {
  const [shown, setShown] = useState(0);
  const highlighted = useRef(0);
  const chosen = useRef(false);
  const identity = items.map((item) => item.id).join("\n");
  useEffect(() => {
    highlighted.current = 0;
    chosen.current = false;
    setShown(0);
  }, [identity]);

  const moveTo = (index: number) => {
    highlighted.current = (index + items.length) % items.length;
    setShown(highlighted.current);
  };
  const choose = (index: number) => {
    // One answer per list: the keys after it belong to whatever the answer leads to.
    if (chosen.current || !items[index]) return;
    chosen.current = true;
    onSelect(items[index].id);
  };

  useInput(
    (input, key) => {
      if (items.length === 0 || key.ctrl || key.meta) return;
      if (key.upArrow) return moveTo(highlighted.current - 1);
      if (key.downArrow) return moveTo(highlighted.current + 1);
      if (key.return) return choose(highlighted.current);
      for (const char of input) {
        if (chosen.current) return;
        if (char === "k" || char === "K") moveTo(highlighted.current - 1);
        else if (char === "j" || char === "J") moveTo(highlighted.current + 1);
        else if (char === "\r" || char === "\n") choose(highlighted.current);
        else if (/^[1-9]$/.test(char) && Number(char) <= items.length) choose(Number(char) - 1);
      }
    },
    { isActive: isFocused },
  );

  return (
    <Box flexDirection="column">
      {items.map((item, index) => {
        const selected = index === shown;
        const label = item.needsConsent ? `${item.label}  (asks for your consent first)` : item.label;
        return (
          <Box key={item.id}>
            <Box width={2} flexShrink={0}>
              <Text color="blue">{selected ? "❯" : " "}</Text>
            </Box>
            <Box flexShrink={1}>
              <WrappedText>
                <Text color={selected ? "blue" : undefined}>{label}</Text>
              </WrappedText>
            </Box>
          </Box>
        );
      })}
    </Box>
  );
}
