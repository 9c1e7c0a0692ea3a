import { defineMessages } from "./define";

/** The texts of the employee's pages. */
export const employeeMessages = defineMessages(
  {
    "employee.title": "My invoices",
  },
  {
    "employee.title": "我的发票",
  },
);
