export const SOURCE: URL;
export const TARGET: URL;
export function renderCommonPasswords(): Promise<string>;
