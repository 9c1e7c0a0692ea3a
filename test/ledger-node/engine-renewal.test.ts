import { expect } from "chai";

import { builtEngineIsSmaller } from "../../ledger-node/chain/engine-renewal";

const MB = 2 ** 20;

describe("engine renewal: a rebuilt engine takes the running one's place only if it is smaller", () => {
  it("keeps the running engine when the one built from the snapshot takes more (as an engine built at 1 M invoices read at once, before its build's garbage was given back)", () => {
    expect(builtEngineIsSmaller({ withoutEngine: 150 * MB, beforeBuild: 3_228 * MB, afterBuild: (3_228 + 4_700) * MB })).to.equal(false);
  });

  it("hands over when the running engine's history weighs more than the rebuilt state (200,000 invoices: 1,082 MB against 758 MB after)", () => {
    expect(builtEngineIsSmaller({ withoutEngine: 150 * MB, beforeBuild: 1_082 * MB, afterBuild: (1_082 + 610) * MB })).to.equal(true);
  });

  it("wants a fifth back at least: an engine as large as the running one, or nearly, is not worth a hand-over", () => {
    const running = { withoutEngine: 100 * MB, beforeBuild: 1_100 * MB };
    expect(builtEngineIsSmaller({ ...running, afterBuild: (1_100 + 1_000) * MB })).to.equal(false);
    expect(builtEngineIsSmaller({ ...running, afterBuild: (1_100 + 801) * MB })).to.equal(false);
    expect(builtEngineIsSmaller({ ...running, afterBuild: (1_100 + 800) * MB })).to.equal(true);
  });

  it("hands over an engine whose build left the node no larger (its garbage collected meanwhile)", () => {
    expect(builtEngineIsSmaller({ withoutEngine: 100 * MB, beforeBuild: 300 * MB, afterBuild: 290 * MB })).to.equal(true);
  });
});
