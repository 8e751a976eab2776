/**
 * `giambio/testing`: tools for testing code written with giambio.
 *
 * @module
 */
export { MockClock, type MockClockOptions } from "./testing/mock-clock";
