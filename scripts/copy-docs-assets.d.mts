export function copyDocsAssets(): Promise<void>;
