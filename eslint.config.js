import { readFileSync } from "node:fs";
import tseslint from "typescript-eslint";

// One table says which layer may import which; test/layering.test.ts reads it too.
const { layers } = JSON.parse(readFileSync(new URL("./layers.json", import.meta.url), "utf8"));

/** The rule that forbids every workspace package but `allowed` (type imports too, unless the layer says so). */
function restrictImports(files, allowed, alsoForbidden, allowTypeImports, message) {
  return {
    files,
    ignores: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@leadline/*", ...allowed.map((name) => `!${name}`), ...alsoForbidden],
              message,
              allowTypeImports,
            },
          ],
        },
      ],
    },
  };
}

/** One rule per layer (`services/*` matches each service), then one per file its layer's `exceptions` allow more. */
const layerRules = Object.entries(layers).flatMap(
  ([dir, { mayImport, alsoForbidden = [], allowTypeImports = false, exceptions = {} }]) => {
    const others = alsoForbidden.length > 0 ? `, nor ${alsoForbidden.join(", ")}` : "";
    const message = `${dir} may import ${mayImport.join(", ") || "no other workspace package"}${others} (layers.json)`;
    return [
      restrictImports([`${dir}/src/**`], mayImport, alsoForbidden, allowTypeImports, message),
      ...Object.entries(exceptions).map(([file, { mayAlsoImport, why }]) =>
        restrictImports(
          [file],
          [...mayImport, ...mayAlsoImport],
          alsoForbidden,
          allowTypeImports,
          `${message}; ${why}`,
        ),
      ),
    ];
  },
);

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/java/**", "**/dist/**", ".ci/out/**", "bench/out/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  // Dependencies point one way: core ← db ← api ← services; the test kit serves tests and benchmarks only.
  ...layerRules,
);
