// npm run user:create -- --email a@b.co --role admin [--first-name A] [--last-name B]
//   [--password-stdin] [--remote]
// Creates a user in the local D1 (or the remote one with --remote), validated by the same
// schema and hashed in the same format as POST /api/v1/users. Exits non-zero on any error.
//
// The password is never an argument (it would end up in shell history and `ps`). On a
// terminal it is asked for twice, without echo. Otherwise pass --password-stdin and pipe it
// in, as with `docker login`; one trailing newline ("\n" or "\r\n") is stripped:
//   printf '%s' "$PW" | npm run user:create -- --email a@b.co --role admin --password-stdin
import { parseArgs } from "node:util";
import { hashPassword } from "../src/auth/passwords";
import { uuidv7 } from "../src/lib/ids";
import { fieldErrors } from "../src/lib/validation";
import { CreateUserSchema } from "../src/routes/users/users.schemas";
import { executeSql, insertSql, migrateLocal } from "./d1";

function fail(message: string, code = 1): never {
  console.error(`user:create: ${message}`);
  process.exit(code);
}

const usage = "printf '%s' \"$PW\" | npm run user:create -- --email … --role … --password-stdin";

// Refused before parsing, and never repeated back: the value may be the real password.
const args = process.argv.slice(2);
const end = args.indexOf("--");
if ((end === -1 ? args : args.slice(0, end)).some((a) => /^--password(=|$)/.test(a))) {
  fail(
    "--password is not accepted: a password on the command line leaks into shell history " +
      "and `ps`. Run without it on a terminal to be prompted, or pipe it in with " +
      `--password-stdin:\n  ${usage}`,
  );
}

let values: {
  email?: string;
  role?: string;
  "first-name"?: string;
  "last-name"?: string;
  "password-stdin": boolean;
  remote: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      email: { type: "string" },
      role: { type: "string" },
      "first-name": { type: "string" },
      "last-name": { type: "string" },
      "password-stdin": { type: "boolean", default: false },
      remote: { type: "boolean", default: false },
    },
    strict: true,
  }));
} catch (error) {
  fail((error as Error).message);
}

/** All of standard input, minus one trailing "\n" or "\r\n". */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/**
 * Asks each prompt in turn on the terminal with echo off (raw mode), and returns the lines
 * typed. Enter ends a line; Backspace and Ctrl-U edit it; Ctrl-C (or Ctrl-D on an empty
 * line) cancels. Raw mode is set once, before the first prompt, so that nothing typed
 * ahead for the second prompt is echoed or lost.
 */
function promptHidden(prompts: string[]): Promise<string[]> {
  const { stdin, stderr } = process;
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let current = "";
    const done = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      if (error) reject(error);
      else resolve(lines);
    };
    const onData = (chunk: string) => {
      // An escape sequence (arrow keys, function keys) is not part of a password.
      if (chunk.startsWith("\u001b")) return;
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") {
          stderr.write("\n");
          lines.push(current);
          current = "";
          if (lines.length === prompts.length) return done();
          stderr.write(prompts[lines.length]!);
        } else if (ch === "\u0003" || (ch === "\u0004" && current === "")) {
          stderr.write("\n");
          return done(new Error("cancelled"));
        } else if (ch === "\u007f" || ch === "\b") {
          current = [...current].slice(0, -1).join("");
        } else if (ch === "\u0015") {
          current = "";
        } else if (ch >= " ") {
          current += ch;
        }
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
    stderr.write(prompts[0]!);
  });
}

async function readPassword(): Promise<string> {
  if (values["password-stdin"]) return readStdin();
  if (!process.stdin.isTTY) {
    fail(
      "no password: standard input is not a terminal, so it cannot be asked for. " +
        `Pipe it in with --password-stdin:\n  ${usage}`,
    );
  }
  const [password, again] = await promptHidden(["Password: ", "Repeat password: "]).catch(() =>
    fail("cancelled", 130),
  );
  if (password !== again) fail("the passwords do not match");
  return password!;
}

const password = await readPassword();
const localPart = values.email?.split("@")[0] ?? "";
const parsed = CreateUserSchema.safeParse({
  email: values.email,
  password,
  role: values.role,
  firstName: values["first-name"] ?? (localPart || "Usuario"),
  lastName: values["last-name"] ?? "Usuario",
});
if (!parsed.success) {
  // The API's own messages, in English; each names its field by its JSON name.
  const problems = fieldErrors("json", parsed.error).map(({ path, message }) => {
    const field = path.slice(1);
    // The password is not a flag any more: name it without dashes.
    const label =
      field === "password"
        ? "password"
        : `--${field.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
    return `  ${label}: ${message.en}`;
  });
  fail(`invalid input:\n${problems.join("\n")}`);
}

const user = parsed.data;
const now = new Date().toISOString();
const id = uuidv7();
const target = { remote: values.remote };
if (!target.remote) migrateLocal();

const result = executeSql(
  insertSql("users", {
    id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    role: user.role,
    password_hash: await hashPassword(user.password),
    password_changed_at: now,
    created_at: now,
    updated_at: now,
  }),
  target,
);
if (!result.ok) {
  if (/UNIQUE constraint failed/.test(result.error))
    fail(`a user with email ${user.email} already exists`);
  fail(`wrangler d1 execute failed:\n${result.error.trim()}`);
}
console.log(
  `Created ${user.role} ${user.email} (id ${id}) in the ${target.remote ? "remote" : "local"} database.`,
);
