/**
 * A message catalogue of one part of the console: the English texts define the keys, and the Chinese must have
 * every one of them (the compiler checks). `{name}` in a text is replaced by the parameter of that name.
 */
export type Texts<K extends string> = Readonly<Record<K, string>>;

export function defineMessages<const E extends Record<string, string>>(en: E, zh: Texts<keyof E & string>): { en: Texts<keyof E & string>; "zh-CN": Texts<keyof E & string> } {
  return { en, "zh-CN": zh };
}
