/** Russian texts of the manager bot. */
export const managerRu = {
  manager_placeholder: "manager",
};
