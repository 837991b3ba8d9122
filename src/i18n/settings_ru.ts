/** Russian texts of the settings bot. */
export const settingsRu = {
  settings_placeholder: "settings",
};
