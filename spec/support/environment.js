"use strict";
// The jest environment of the specs: Node's own, plus a handle on the host `process`.
//
// Why: inside a spec, `process` is a copy that jest makes for the sandbox. Events that Node
// itself emits (`unhandledRejection`, `rejectionHandled`, and `warning` for warnings raised
// inside Node, such as MaxListenersExceededWarning on an AbortSignal) reach only the real
// one, so spec/support/setup.ts listens there.

const { TestEnvironment } = require("jest-environment-node");

class SpecEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global[Symbol.for("giambio.spec.hostProcess")] = process;
  }
}

module.exports = SpecEnvironment;
