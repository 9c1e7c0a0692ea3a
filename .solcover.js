module.exports = {
  skipFiles: ["test/"],
  configureYulOptimizer: true,
};
