/**
 * The append-only rule of upgradeable storage (docs/upgrades.md), as OpenZeppelin's upgrades plugin checks it: a
 * new implementation keeps every variable of the released one at its slot and offset with a compatible type, and
 * declares new variables only after them. Layouts come from solc's `storageLayout` output, made independent of
 * AST ids (which change with every edit) by resolving each type into its description.
 */

/** One type as solc describes it, with the types it refers to resolved. */
export interface LayoutType {
  label: string;
  encoding: string;
  numberOfBytes: string;
  key?: LayoutType;
  value?: LayoutType;
  base?: LayoutType;
  members?: LayoutVariable[];
}

export interface LayoutVariable {
  label: string;
  slot: string;
  offset: number;
  type: LayoutType;
}

/** What is committed for a contract: the layout of its last release. */
export interface StorageLayoutSnapshot {
  contract: string;
  storage: LayoutVariable[];
}

interface SolcVariable {
  label: string;
  slot: string;
  offset: number;
  type: string;
}

interface SolcType {
  label: string;
  encoding: string;
  numberOfBytes: string;
  key?: string;
  value?: string;
  base?: string;
  members?: SolcVariable[];
}

/** solc's `storageLayout` of one contract. */
export interface SolcStorageLayout {
  storage: SolcVariable[];
  types: Record<string, SolcType> | null;
}

/** The layout with every type id replaced by the type's description. */
export function resolveLayout(layout: SolcStorageLayout): LayoutVariable[] {
  const types = layout.types ?? {};
  const resolveType = (id: string): LayoutType => {
    const type = types[id];
    if (type === undefined) throw new Error(`storage layout: unknown type ${id}`);
    return {
      label: type.label,
      encoding: type.encoding,
      numberOfBytes: type.numberOfBytes,
      ...(type.key === undefined ? {} : { key: resolveType(type.key) }),
      ...(type.value === undefined ? {} : { value: resolveType(type.value) }),
      ...(type.base === undefined ? {} : { base: resolveType(type.base) }),
      ...(type.members === undefined ? {} : { members: type.members.map(resolveVariable) }),
    };
  };
  const resolveVariable = (v: SolcVariable): LayoutVariable => ({ label: v.label, slot: v.slot, offset: v.offset, type: resolveType(v.type) });
  return layout.storage.map(resolveVariable);
}

/**
 * What breaks the rule when `current` replaces `released`, one sentence each; empty when nothing does.
 * Renamed, moved, retyped or removed variables break it. A struct may grow (members appended) where it has room:
 * as a mapping's value (each entry has its own region) or as the last variable of its list (nothing after it
 * moves). A dynamic array's elements are contiguous, so a struct in one may not grow.
 */
export function layoutProblems(released: LayoutVariable[], current: LayoutVariable[]): string[] {
  const problems: string[] = [];
  compareVariables(released, current, "", problems);
  return problems;
}

function compareVariables(released: LayoutVariable[], current: LayoutVariable[], path: string, problems: string[]): void {
  released.forEach((old, i) => {
    const name = `${path}${old.label}`;
    const now = current[i];
    if (now === undefined) {
      problems.push(`${name} (slot ${old.slot}, offset ${old.offset}) was removed`);
      return;
    }
    if (now.label !== old.label || now.slot !== old.slot || now.offset !== old.offset) {
      problems.push(`${name} was at slot ${old.slot}, offset ${old.offset}; that place now holds ${now.label} at slot ${now.slot}, offset ${now.offset}`);
      return;
    }
    compareTypes(old.type, now.type, name, i === released.length - 1, problems);
  });
}

function compareTypes(old: LayoutType, now: LayoutType, name: string, mayGrow: boolean, problems: string[]): void {
  if (old.label !== now.label || old.encoding !== now.encoding) {
    problems.push(`${name} changed type from ${old.label} to ${now.label}`);
    return;
  }
  if (old.members !== undefined) {
    if (!mayGrow && old.numberOfBytes !== now.numberOfBytes) {
      problems.push(`${name}: ${old.label} changed size from ${old.numberOfBytes} to ${now.numberOfBytes} bytes where what follows it would move`);
    }
    compareVariables(old.members, now.members ?? [], `${name}.`, problems);
    return;
  }
  if (old.numberOfBytes !== now.numberOfBytes) {
    problems.push(`${name}: ${old.label} changed size from ${old.numberOfBytes} to ${now.numberOfBytes} bytes`);
    return;
  }
  if (old.key !== undefined && now.key !== undefined) compareTypes(old.key, now.key, `${name}[key]`, false, problems);
  if (old.value !== undefined && now.value !== undefined) compareTypes(old.value, now.value, `${name}[value]`, true, problems);
  if (old.base !== undefined && now.base !== undefined) compareTypes(old.base, now.base, `${name}[]`, false, problems);
}
