// Web weight: measured by issue 10 (the web client). When bench/web_weight.ts exists it is run and its JSON figures
// are taken over; until then this scenario reports that the figure is not measured here.

import { type Figure, figure, ROOT, type Scenario } from "./_harness.ts";

export const webWeight: Scenario = {
  name: "web",
  describe: "web weight (measured by issue 10's bench/web_weight.ts when it exists)",
  async run(): Promise<Figure[]> {
    const script = `${ROOT}/bench/web_weight.ts`;
    try {
      await Deno.stat(script);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      return [figure("web", "web weight", null, "bytes", undefined, "measured by issue 10")];
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", script, "--json"],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    if (!output.success) throw new Error(`${script} failed`);
    const figures = JSON.parse(new TextDecoder().decode(output.stdout)) as Figure[];
    return figures.map((f) => ({ ...f, scenario: "web" }));
  },
};
