export * from "./lead-states.ts";
export * from "./transitions.ts";
