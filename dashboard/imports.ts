/**
 * The "Importaciones recientes" tile: the last imports of GET /api/v1/imports, newest
 * first, each with its outcome. That API is for admins and support; of the dashboard's
 * roles only admins may read it, so an analyst's board never asks (it would get a 403).
 */
import { element, number, table, time } from "./elements";
import { authorized } from "./session";

/** What the dashboard reads of an `Import` (src/routes/imports/imports.schemas.ts). */
export interface Import {
  id: string;
  entity: string;
  dryRun: boolean;
  status: "staging" | "running" | "completed" | "failed";
  fileName: string | null;
  rowsTotal: number;
  rowsDone: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error: string | null;
  createdAt: string;
}

export const IMPORTS_SHOWN = 10;

export const mayReadImports = (role: string | undefined) => role === "admin";

function statusOf(item: Import): string {
  switch (item.status) {
    case "staging":
      return "recibiendo el archivo";
    case "running":
      return `en curso: ${number(item.rowsDone)} de ${number(item.rowsTotal)} filas`;
    case "completed":
      return "completada";
    case "failed":
      return `fallida: ${item.error ?? "sin detalle"}`;
  }
}

/** The tile's content: the table, or what kept it from loading (the rest of the board stands). */
export async function recentImports(): Promise<HTMLElement> {
  try {
    const response = await authorized(`/api/v1/imports?limit=${IMPORTS_SHOWN}`);
    const { data } = (await response.json()) as { data: Import[] };
    if (data.length === 0)
      return element("p", "Todavía no hay importaciones.", { class: "caption" });
    return table(
      "imports",
      [
        "Fecha",
        "Datos",
        "Archivo",
        "Simulación",
        "Estado",
        "Creados",
        "Actualizados",
        "Sin cambios",
        "Rechazados",
      ],
      data.map((i) => [
        time(i.createdAt),
        i.entity,
        i.fileName ?? "—",
        i.dryRun ? "sí" : "no",
        statusOf(i),
        i.created,
        i.updated,
        i.unchanged,
        i.rejected,
      ]),
    );
  } catch (error) {
    return element("p", `No se pudieron cargar las importaciones: ${(error as Error).message}`, {
      class: "error",
    });
  }
}
