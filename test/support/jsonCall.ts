/** A fetch that parses the JSON answer and keeps every body it received (tests scan them for secrets). */
export function recordingCall(bodies: string[]) {
  return async (url: string, init: RequestInit) => {
    const response = await fetch(url, init);
    const text = await response.text();
    bodies.push(text);
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text),
    };
  };
}
