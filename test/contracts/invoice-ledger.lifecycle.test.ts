import { shouldFollowTheLifecycle } from "./invoice-ledger.lifecycle.behavior";
import { direct, relayedBy } from "./helpers/senders";

describe("InvoiceLedger lifecycle", () => {
  describe(direct.name, () => {
    shouldFollowTheLifecycle(() => direct);
  });
  describe("signed by the party and relayed through the forwarder", () => {
    shouldFollowTheLifecycle((f) => relayedBy(f.forwarder, f.relayer));
  });
});
