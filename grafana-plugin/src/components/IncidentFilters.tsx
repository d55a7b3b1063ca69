import { FilterInput, InlineField, MultiSelect, Select, Stack } from '@grafana/ui';
import type { RowFilter } from '../live/incidentRows.ts';
import { SEVERITIES } from '../types.ts';
import { testIds } from './testIds.ts';

export interface IncidentFiltersProps {
  filter: RowFilter;
  onChange: (filter: RowFilter) => void;
  services: string[];
  stores: string[];
}

const STATUSES = ['open', 'acknowledged', 'resolved'];
const ANY = { label: 'Any', value: '' };

/** Severity, status, service and store filters plus free-text search over the live table. */
export function IncidentFilters({ filter, onChange, services, stores }: IncidentFiltersProps) {
  const set = (patch: Partial<RowFilter>) => onChange({ ...filter, ...patch });
  return (
    <Stack gap={1} wrap="wrap" alignItems="center">
      <div style={{ minWidth: 260, flexGrow: 1 }}>
        <FilterInput
          placeholder="Search error type, message, order id, store, ticket"
          value={filter.search}
          onChange={(search) => set({ search })}
          escapeRegex={false}
          data-testid={testIds.live.search}
        />
      </div>
      <InlineField label="Severity">
        <MultiSelect
          aria-label="Severity filter"
          width={30}
          options={SEVERITIES.map((value) => ({ label: value, value }))}
          value={filter.severity}
          onChange={(items) => set({ severity: items.map((item) => item.value ?? '').filter(Boolean) })}
          placeholder="All"
        />
      </InlineField>
      <InlineField label="Status">
        <MultiSelect
          aria-label="Status filter"
          width={30}
          options={STATUSES.map((value) => ({ label: value, value }))}
          value={filter.status}
          onChange={(items) => set({ status: items.map((item) => item.value ?? '').filter(Boolean) })}
          placeholder="All"
        />
      </InlineField>
      <InlineField label="Service">
        <Select
          aria-label="Service filter"
          width={20}
          options={[ANY, ...services.map((value) => ({ label: value, value }))]}
          value={filter.service}
          onChange={(item) => set({ service: item?.value ?? '' })}
        />
      </InlineField>
      <InlineField label="Store">
        <Select
          aria-label="Store filter"
          width={20}
          options={[ANY, ...stores.map((value) => ({ label: value, value }))]}
          value={filter.store}
          onChange={(item) => set({ store: item?.value ?? '' })}
        />
      </InlineField>
    </Stack>
  );
}
