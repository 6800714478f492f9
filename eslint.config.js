import { readFileSync } from "node:fs";
import tseslint from "typescript-eslint";

// One table says which layer may import which; test/layering.test.ts reads it too.
const { layers } = JSON.parse(readFileSync(new URL("./layers.json", import.meta.url), "utf8"));

/** Forbids every workspace package a layer's table entry does not list (type imports too, unless it says so). */
const layerRules = Object.entries(layers).map(([dir, { mayImport, alsoForbidden = [], allowTypeImports = false }]) => {
  const others = alsoForbidden.length > 0 ? `, nor ${alsoForbidden.join(", ")}` : "";
  const message = `${dir} may import ${mayImport.join(", ") || "no other workspace package"}${others} (layers.json)`;
  return {
    files: [`${dir}/src/**`],
    ignores: ["**/*.test.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@leadline/*", ...mayImport.map((name) => `!${name}`), ...alsoForbidden],
              message,
              allowTypeImports,
            },
          ],
        },
      ],
    },
  };
});

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
  // Dependencies point one way: core ← db ← api ← services.
  ...layerRules,
);
