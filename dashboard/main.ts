/**
 * The management dashboard (/dashboard): sign in as an admin or analyst, then the figures
 * of GET /api/v1/stats/overview as tiles — charts drawn here as SVG, and tables, each with
 * its CSV download, all from that one answer; and, for admins, the recent imports
 * (imports.ts), loaded beside it.
 */
import { columns, horizontalBars } from "./charts";
import { dateTime, element, number, table } from "./elements";
import { mayReadImports, recentImports } from "./imports";
import type { StatsOverview } from "./overview";
import { ApiProblem, authorized, signIn, signOut, stored } from "./session";

const ALLOWED_ROLES = ["admin", "analyst"];
/** Long lists show their head; the CSV export has them whole. */
const SHOWN = 20;

const $ = <T extends HTMLElement>(selector: string) => {
  const element = document.querySelector<T>(selector);
  if (!element) throw new Error(`dashboard: no ${selector}`);
  return element;
};
const form = $<HTMLFormElement>("#sign-in");
const signOutButton = $<HTMLButtonElement>("#sign-out");
const refreshButton = $<HTMLButtonElement>("#refresh");
const status = $("#status");
const board = $("#board");
const tiles = $("#tiles");

const percent = (share: number) =>
  share.toLocaleString("es-CO", { style: "percent", maximumFractionDigits: 1 });

function say(message: string, isError = false) {
  status.textContent = message;
  status.classList.toggle("error", isError);
}

/** A long table in a box of its own height, scrolled inside the tile. */
function scrolling(content: HTMLElement) {
  const box = element("div", undefined, { class: "scroll" });
  box.append(content);
  return box;
}

/** The CSV export behind a tile: fetched with the token, saved through a Blob URL. */
async function download(entity: string) {
  say(`Descargando ${entity}.csv…`);
  try {
    const response = await authorized(`/api/v1/stats/export/${entity}`);
    const url = URL.createObjectURL(await response.blob());
    const link = element("a", undefined, { href: url, download: `${entity}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    say(`${entity}.csv descargado`);
  } catch (error) {
    say(`No se pudo descargar ${entity}.csv: ${(error as Error).message}`, true);
  }
}

/** A tile; `exportEntity` names the CSV export behind its "Descargar CSV" (null: none). */
function tile(id: string, title: string, exportEntity: string | null, ...content: Node[]) {
  const section = element("section", undefined, {
    id,
    class: "tile",
    "aria-labelledby": `${id}-title`,
  });
  const header = element("header");
  header.append(element("h2", title, { id: `${id}-title` }));
  if (exportEntity !== null) {
    const button = element("button", "Descargar CSV", {
      type: "button",
      class: "csv",
      "data-export": exportEntity,
    });
    button.addEventListener("click", () => void download(exportEntity));
    header.append(button);
  }
  section.append(header, ...content);
  return section;
}

function figure(name: string, label: string, value: number, shown = number(value)) {
  const box = element("div", undefined, { class: "figure" });
  box.append(element("dd", shown, { "data-figure": name, "data-value": String(value) }));
  box.append(element("dt", label));
  return box;
}

/** The board: the overview's tiles, then `more` (the imports tile, for an admin). */
function render(overview: StatsOverview, ...more: HTMLElement[]) {
  const { coverage, establishments, activity, users, products, sellers } = overview;
  const figures = element("dl", undefined, { class: "figures" });
  figures.append(
    figure(
      "coverage.activeEstablishments",
      "establecimientos activos",
      coverage.activeEstablishments,
    ),
    figure(
      "coverage.portfolioShare",
      "con portafolio",
      coverage.portfolioShare,
      percent(coverage.portfolioShare),
    ),
    figure("coverage.withoutPortfolio", "sin portafolio", coverage.withoutPortfolio),
    figure("coverage.withoutSeller", "sin vendedor asignado", coverage.withoutSeller),
  );
  const routeSize = (min: number, max: number | null) =>
    max === null ? `${min} o más` : min === max ? String(min) : `${min}–${max}`;

  tiles.replaceChildren(
    tile("coverage", "Cobertura", "establishments", figures),
    tile(
      "departments",
      "Establecimientos por departamento",
      "establishments",
      horizontalBars(
        establishments.byDepartment.map((d) => ({ label: d.name, value: d.count })),
        "Establecimientos por departamento",
      ),
      table(
        "establishments-by-department",
        ["Departamento", "Código", "Establecimientos"],
        establishments.byDepartment.map((d) => [d.name, d.code ?? "—", d.count]),
      ),
    ),
    tile(
      "top-products",
      "Productos en más establecimientos",
      "portfolio-items",
      table(
        "top-products",
        ["Producto", "SKU", "Establecimientos activos"],
        overview.topProducts.map((p) => [p.name, p.sku, p.establishments]),
      ),
    ),
    tile(
      "activity",
      `Creados por día (${activity.timeZone})`,
      "audit-events",
      element("p", "Establecimientos creados por día", { class: "caption" }),
      columns(
        activity.days.map((d) => ({ label: d.date, value: d.establishments })),
        "Establecimientos creados por día",
      ),
      scrolling(
        table(
          "activity",
          ["Día", "Productos", "Establecimientos", "Portafolios", "Usuarios"],
          activity.days.map((d) => [d.date, d.products, d.establishments, d.portfolios, d.users]),
        ),
      ),
    ),
    tile(
      "users",
      `Usuarios (${number(users.total)})`,
      "users",
      table(
        "users-by-role",
        ["Rol", "Activos", "Deshabilitados"],
        users.byRole.map((r) => [r.role, r.active, r.disabled]),
      ),
    ),
    tile(
      "products",
      `Productos (${number(products.total)})`,
      "products",
      table(
        "products-by-status",
        ["Estado", "Productos"],
        products.byStatus.map((s) => [s.status, s.count]),
      ),
      table(
        "products-by-category",
        ["Categoría", "Productos"],
        products.byCategory.map((c) => [c.category, c.count]),
      ),
    ),
    tile(
      "establishments",
      `Establecimientos (${number(establishments.total)})`,
      "establishments",
      table(
        "establishments-by-kind",
        ["Tipo", "Establecimientos"],
        establishments.byKind.map((k) => [k.kind, k.count]),
      ),
      table(
        "establishments-by-status",
        ["Estado", "Establecimientos"],
        establishments.byStatus.map((s) => [s.status, s.count]),
      ),
      table(
        "establishments-by-city",
        ["Municipio", "Código", "Establecimientos"],
        establishments.byCity.slice(0, SHOWN).map((c) => [c.name, c.code ?? "—", c.count]),
      ),
    ),
    tile(
      "sellers",
      `Vendedores (${number(sellers.total)})`,
      "users",
      table(
        "sellers-by-route-size",
        ["Establecimientos en la ruta", "Vendedores"],
        sellers.byRouteSize.map((b) => [routeSize(b.min, b.max), b.sellers]),
      ),
      table(
        "top-sellers",
        ["Vendedor", "Correo", "Establecimientos"],
        sellers.top.map((s) => [s.name, s.email, s.establishments]),
      ),
    ),
    tile(
      "portfolios",
      `Portafolios (${number(overview.portfolios.length)})`,
      "portfolio-items",
      table(
        "portfolios",
        ["Portafolio", "Estado", "Productos", "Establecimientos"],
        [...overview.portfolios]
          .sort((a, b) => b.establishments - a.establishments || a.name.localeCompare(b.name))
          .slice(0, SHOWN)
          .map((p) => [p.name, p.status, p.items, p.establishments]),
      ),
    ),
    ...more,
  );
  const generated = $("#generated-at");
  generated.textContent = dateTime(overview.generatedAt);
  generated.setAttribute("datetime", overview.generatedAt);
}

async function load(path = "/api/v1/stats/overview", method = "GET") {
  say("Cargando cifras…");
  // Asked at the same time as the figures; its failure stays in its tile (never rejects).
  const imports = mayReadImports(stored()?.user.role) ? recentImports() : null;
  try {
    const response = await authorized(path, { method });
    const overview = (await response.json()) as StatsOverview;
    const more = imports ? [tile("imports", "Importaciones recientes", null, await imports)] : [];
    render(overview, ...more);
    board.hidden = false;
    say("Cifras al día");
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) showSignedOut();
    say((error as Error).message, true);
  }
}

function showSignedIn(email: string) {
  form.hidden = true;
  signOutButton.hidden = false;
  $("#who").textContent = email;
}

function showSignedOut() {
  form.hidden = false;
  signOutButton.hidden = true;
  board.hidden = true;
  $("#who").textContent = "";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  say("Iniciando sesión…");
  try {
    const tokens = await signIn(String(data.get("email")), String(data.get("password")));
    if (!ALLOWED_ROLES.includes(tokens.user.role)) {
      await signOut();
      say(
        `Tu cuenta tiene el rol «${tokens.user.role}»: el tablero es solo para administradores y analistas.`,
        true,
      );
      return;
    }
    form.reset();
    showSignedIn(tokens.user.email);
    await load();
  } catch (error) {
    say((error as Error).message, true);
  }
});

signOutButton.addEventListener("click", async () => {
  await signOut();
  showSignedOut();
  say("Sesión cerrada");
});

refreshButton.addEventListener("click", () => void load("/api/v1/stats/overview/refresh", "POST"));

const current = stored();
if (current && ALLOWED_ROLES.includes(current.user.role)) {
  showSignedIn(current.user.email);
  void load();
}
