import {Box, Text} from 'ink';
import {FilterList, type ListItem} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';

/** One question of the assignment flow, answered from a list. */
export function Picker<T>({
  title,
  items,
  onPick,
  onBack,
  isActive,
}: {
  title: string;
  items: ListItem<T>[];
  onPick: (value: T) => void;
  onBack: () => void;
  isActive: boolean;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      <FilterList
        isActive={isActive}
        items={items}
        onSelect={(i) => onPick(i.value)}
        onBack={onBack}
      />
      <Footer keys={['select', 'move', 'back']} />
    </Box>
  );
}
