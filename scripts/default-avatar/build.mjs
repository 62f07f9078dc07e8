// placeholder until the default avatar generator lands
