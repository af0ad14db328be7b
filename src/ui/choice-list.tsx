// A choice as a select list (arrows or j/k, Enter, or the option's number); options that need consent say so.
import SelectInput from "ink-select-input";

export interface ChoiceItem {
  id: string;
  label: string;
  needsConsent: boolean;
}

export function ChoiceList({ items, onSelect, isFocused = true }: { items: ChoiceItem[]; onSelect: (id: string) => void; isFocused?: boolean }) {
  return (
    <SelectInput
      isFocused={isFocused}
      items={items.map((item) => ({
        key: item.id,
        value: item.id,
        label: item.needsConsent ? `${item.label}  (asks for your consent first)` : item.label,
      }))}
      onSelect={(item) => onSelect(item.value)}
    />
  );
}
