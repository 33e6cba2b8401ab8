import { runDuplexSuite } from "./duplex_suite.ts";
import { duplexPair } from "./pair.ts";

runDuplexSuite({
  name: "duplexPair()",
  pair: () => {
    const [near, far] = duplexPair();
    return Promise.resolve({ near, far });
  },
  test: Deno.test,
});
