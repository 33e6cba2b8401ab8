// Builds the single executable (dist/mimi) with the web client embedded; needs Deno's runtime base binary.

const denort = Deno.env.get("DENORT_BIN");
if (!denort) {
  console.error(
    "deno task compile needs DENORT_BIN: the path to denort (Deno's runtime base binary, version 2.9.6), which cannot be downloaded on this network",
  );
  Deno.exit(1);
}
try {
  await Deno.stat(denort);
} catch (error) {
  console.error(`deno task compile: DENORT_BIN=${denort} cannot be read: ${(error as Error).message}`);
  Deno.exit(1);
}
const { code } = await new Deno.Command(Deno.execPath(), {
  args: [
    "compile",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--include",
    "static/",
    // Started as a worker by URL, so not found by following imports from main.ts.
    "--include",
    "server/services/accounts/opaque_worker.ts",
    "--output",
    "dist/mimi",
    "main.ts",
  ],
  env: { DENORT_BIN: denort },
}).spawn().status;
Deno.exit(code);
