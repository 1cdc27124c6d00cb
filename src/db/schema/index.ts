export * from "./establishments";
export * from "./operations";
export * from "./places";
export * from "./portfolios";
export * from "./products";
export * from "./sessions";
export * from "./stats";
export * from "./users";
