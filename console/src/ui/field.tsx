import type { ComponentChildren } from "preact";

/** A labelled form control with its hint and its error, wired for screen readers (aria-describedby, aria-invalid). */
export function Field({ id, label, hint, error, children }: { id: string; label: string; hint?: string | undefined; error?: string | undefined; children: (aria: { id: string; "aria-describedby"?: string; "aria-invalid"?: "true" }) => ComponentChildren }) {
  const described = [hint === undefined ? undefined : `${id}-hint`, error === undefined ? undefined : `${id}-error`].filter((x) => x !== undefined).join(" ");
  return (
    <div class={error === undefined ? "field" : "field field-invalid"}>
      <label for={id}>{label}</label>
      {children({ id, ...(described === "" ? {} : { "aria-describedby": described }), ...(error === undefined ? {} : { "aria-invalid": "true" as const }) })}
      {hint === undefined ? null : (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error === undefined ? null : (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
