import { AREAS } from "../../roles";

/** An address of the employee's part of the console (under its base, roles.ts). */
export const employeePath = (path: string): string => `${AREAS.individual.base}${path}`;

export const invoicePath = (id: string): string => employeePath(`/invoices/${id}`);
