import tseslint from "typescript-eslint";

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    "@typescript-eslint/no-restricted-imports": [
      "error",
      { patterns: [{ group: forbidden, message, allowTypeImports: false }] },
    ],
  },
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
  layer(
    ["packages/core/src/**"],
    ["@leadline/*", "node:*", "mongodb"],
    "core is pure domain code: no other layer, no Node-only APIs",
  ),
  layer(
    ["packages/db/src/**"],
    ["@leadline/api", "@leadline/client", "@leadline/api-service"],
    "db may depend on core only",
  ),
  layer(["packages/api/src/**"], ["@leadline/api-service", "@leadline/client"], "api may depend on core and db only"),
  {
    files: ["packages/client/src/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@leadline/*"],
              message: "the client takes only `import type { AppRouter }`",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
