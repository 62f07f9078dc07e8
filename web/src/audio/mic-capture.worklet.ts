// placeholder, replaced by the companion work
export {};
