module.exports = {
  // Test-only harnesses are not part of the product.
  skipFiles: ["test/"],
  configureYulOptimizer: true,
  istanbulReporter: ["text", "lcov", "json-summary"],
};
