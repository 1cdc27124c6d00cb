export const DASHBOARD_BUNDLE: string;
export function buildDashboard(): Promise<{ bytes: number; gzipBytes: number }>;
