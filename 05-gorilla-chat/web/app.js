// Chapter 05's page: the chat room of chat.js, as it is. Chapter 06's
// page imports the same module and adds a room on Redis to it.
import { openRoom } from "./chat.js";

openRoom();
